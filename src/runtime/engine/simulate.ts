/**
 * A scripted conversation run end to end through the engine, as text chat or as a voice call.
 * Voice runs on a simulated clock (speech at ~150 words a minute, silences as scripted) so call
 * control behaves as on a real line.
 */
import type { ServedAgent, ConversationEngine } from './conversations.ts';
import type { ConversationRecord } from '../../store/conversations.ts';
import type { EventSink } from './events.ts';
import { Call } from './call.ts';

/** One scripted step: something said, digits keyed (voice), or a silence (voice). */
export type ScriptStep = { text: string } | { dtmf: string } | { silenceSeconds: number };

export interface SimulationResult {
  conversation: ConversationRecord;
  turns: number;
  /** Simulated call length (voice only). */
  durationSeconds: number | null;
  lastReply: string | null;
}

const WORDS_PER_SECOND = 2.5;
const speakingSeconds = (text: string | null) => Math.ceil((text ?? '').split(/\s+/).filter(Boolean).length / WORDS_PER_SECOND);

/** Run a script against a served agent, streaming every receipt event (not token deltas) to `emit`. */
export async function simulate(
  engine: ConversationEngine,
  served: ServedAgent,
  mode: 'text' | 'voice',
  script: ScriptStep[],
  options: { emit: EventSink; signal?: AbortSignal; now(): Date },
): Promise<SimulationResult> {
  const emit: EventSink = (event) => event.type !== 'token' && options.emit(event);
  if (mode === 'text') {
    const { conversation, greeting } = engine.start(served, { channel: 'chat', surface: 'simulate', greet: true }, emit);
    let lastReply = greeting?.content ?? null;
    for (const step of script) {
      if ('text' in step) lastReply = (await engine.turn(conversation, step, { emit, signal: options.signal })).reply.content;
    }
    const ended = engine.end(conversation, 'completed', emit);
    return { conversation: ended, turns: script.length, durationSeconds: null, lastReply };
  }

  const call = Call.answer(engine, served, 'simulate', emit, options.now);
  const interval = served.config.agent.callControl.idleReminderSeconds;
  call.elapsedSeconds = speakingSeconds(call.lastReply);
  for (const step of script) {
    if ('silenceSeconds' in step) {
      let silence = step.silenceSeconds;
      while (silence >= interval && !call.ended) {
        silence -= interval;
        call.elapsedSeconds += interval;
        call.idle();
      }
      call.elapsedSeconds += silence;
    } else {
      call.elapsedSeconds += speakingSeconds('text' in step ? step.text : step.dtmf);
      call.elapsedSeconds += speakingSeconds(await call.hear(step, options.signal));
    }
    if (call.ended || call.checkLength()) break;
  }
  const ended = call.hangUp('completed');
  return { conversation: ended, turns: call.turns, durationSeconds: call.elapsedSeconds, lastReply: call.lastReply };
}
