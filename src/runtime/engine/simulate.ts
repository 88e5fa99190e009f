/**
 * A scripted conversation run end to end through the engine, as text chat or as a voice call.
 * Voice runs on a simulated clock (speech at ~150 words a minute, silences as scripted) so call
 * control behaves as on a real line.
 */
import type { ServedAgent, ConversationEngine } from './conversations.ts';
import type { ConversationRecord } from '../../store/conversations.ts';
import type { EventSink } from './events.ts';
import { Call, type ScriptStep } from './call.ts';

export type { ScriptStep } from './call.ts';

export interface SimulationResult {
  conversation: ConversationRecord;
  turns: number;
  /** Simulated call length (voice only). */
  durationSeconds: number | null;
  lastReply: string | null;
}

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
  await call.play(script, { signal: options.signal });
  const ended = call.hangUp('completed');
  return { conversation: ended, turns: call.turns, durationSeconds: call.elapsedSeconds, lastReply: call.lastReply };
}
