/**
 * A scripted conversation run end to end through the engine, as text chat or as a voice call.
 * Voice runs on a simulated clock (speech at ~150 words a minute, silences as scripted) so call
 * control behaves as on a real line: idle reminders, the no-response action, the maximum length.
 */
import type { ServedAgent, ConversationEngine } from './conversations.ts';
import type { ConversationRecord, ReceiptEvent } from '../../store/conversations.ts';
import { receiptEvent, type EventSink } from './events.ts';

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
const IDLE_REMINDER = 'Are you still there?';
const NO_RESPONSE_GOODBYE = "I haven't heard anything, so I'll end the call now. Goodbye!";
const NO_RESPONSE_TRANSFER = "I haven't heard anything, so I'll connect you with someone now.";
const MAX_DURATION_GOODBYE = "We've reached the time limit for this call. Thank you for calling, goodbye!";

const speakingSeconds = (text: string) => Math.ceil(text.split(/\s+/).filter(Boolean).length / WORDS_PER_SECOND);

/** Run a script against a served agent, streaming every receipt event to `emit`. */
export async function simulate(
  engine: ConversationEngine,
  served: ServedAgent,
  mode: 'text' | 'voice',
  script: ScriptStep[],
  options: { emit: EventSink; signal?: AbortSignal; now(): Date },
): Promise<SimulationResult> {
  const emit: EventSink = (event) => event.type !== 'token' && options.emit(event);
  const { conversation, greeting } = engine.start(served, { channel: mode === 'voice' ? 'voice' : 'chat', surface: 'simulate', greet: true }, emit);
  const control = served.config.agent.callControl;
  let clock = greeting ? speakingSeconds(greeting.content) : 0;
  let turns = 0;
  let lastReply: string | null = greeting?.content ?? null;
  /** Note events and an agent line outside a model turn, streaming them as they are kept. */
  const note = (events: ReceiptEvent[], reply?: string) => {
    events.forEach(emit);
    engine.note(conversation, events, reply);
    if (reply) lastReply = reply;
  };
  const say = (type: 'call_control' | 'handoff', data: Record<string, unknown>, reply?: string) => {
    const events = [receiptEvent(type, options.now(), { ...data, atSecond: clock })];
    if (reply) events.push(receiptEvent('agent_message', options.now(), { text: reply, kind: type }));
    note(events, reply);
  };

  let endReason = 'completed';
  steps: for (const step of script) {
    if ('silenceSeconds' in step) {
      let silence = step.silenceSeconds;
      let reminders = 0;
      while (silence >= control.idleReminderSeconds) {
        silence -= control.idleReminderSeconds;
        clock += control.idleReminderSeconds;
        if (reminders < control.maxIdleReminders) {
          reminders += 1;
          say('call_control', { action: 'idle_reminder', reminder: reminders }, IDLE_REMINDER);
          continue;
        }
        const transfer = control.onNoResponseAction === 'transfer' && served.config.agent.handoffConfig.transferDestination;
        say('call_control', { action: 'no_response', then: transfer ? 'transfer' : 'end' }, transfer ? NO_RESPONSE_TRANSFER : NO_RESPONSE_GOODBYE);
        if (transfer) say('handoff', { destination: transfer, reason: 'no_response', warm: served.config.agent.handoffConfig.warm });
        endReason = 'no_response';
        break steps;
      }
      clock += silence;
    } else {
      const text = 'text' in step ? step.text : step.dtmf;
      clock += speakingSeconds(text);
      const turn = await engine.turn(conversation, 'dtmf' in step ? { text, dtmf: step.dtmf } : { text }, { emit, signal: options.signal });
      turns += 1;
      lastReply = turn.reply.content;
      clock += speakingSeconds(turn.reply.content);
    }
    if (mode === 'voice' && clock >= control.maxDurationSeconds) {
      say('call_control', { action: 'max_duration', limitSeconds: control.maxDurationSeconds }, MAX_DURATION_GOODBYE);
      endReason = 'max_duration';
      break;
    }
  }
  const ended = engine.end(conversation, endReason, emit, mode === 'voice' ? clock : undefined);
  return { conversation: ended, turns, durationSeconds: mode === 'voice' ? clock : null, lastReply };
}
