/**
 * A voice call over the engine, whatever carries it (a simulation's script, a sandbox phone line,
 * an in-browser test):
 * caller turns (speech or keypad), silences, and the agent's call control: "are you still
 * there?" reminders, the no-response action, and the maximum length. The owner says how time
 * passes (a simulated clock, or the wall clock), so both behave the same way.
 */
import type { ConversationEngine, ServedAgent, TurnOutcome } from './conversations.ts';
import type { ConversationRecord, ReceiptEvent, Surface } from '../../store/conversations.ts';
import { receiptEvent, type EventSink } from './events.ts';

/** One scripted step of a caller: something said, digits keyed, or a silence. */
export type ScriptStep = { text: string } | { dtmf: string } | { silenceSeconds: number };

const WORDS_PER_SECOND = 2.5;
/** How long it takes to say something, at about 150 words a minute. */
const speakingSeconds = (text: string | null) => Math.ceil((text ?? '').split(/\s+/).filter(Boolean).length / WORDS_PER_SECOND);

export const IDLE_REMINDER = 'Are you still there?';
const NO_RESPONSE_GOODBYE = "I haven't heard anything, so I'll end the call now. Goodbye!";
const NO_RESPONSE_TRANSFER = "I haven't heard anything, so I'll connect you with someone now.";
const MAX_DURATION_GOODBYE = "We've reached the time limit for this call. Thank you for calling, goodbye!";

export class Call {
  /** Seconds since the call started, as the owner's clock says. */
  elapsedSeconds = 0;
  turns = 0;
  lastReply: string | null;
  ended: ConversationRecord | null = null;
  private reminders = 0;

  private constructor(
    private readonly engine: ConversationEngine,
    private readonly served: ServedAgent,
    readonly conversation: ConversationRecord,
    private readonly emit: EventSink,
    private readonly now: () => Date,
    greeting: string | null,
  ) {
    this.lastReply = greeting;
  }

  /** Answer the call: open the conversation with the agent's greeting. `caller` is the calling number, when known. */
  static answer(engine: ConversationEngine, served: ServedAgent, surface: Surface, emit: EventSink, now: () => Date, caller?: string): Call {
    const { conversation, greeting } = engine.start(served, { channel: 'voice', surface, greet: true, endUser: caller }, emit);
    return new Call(engine, served, conversation, emit, now, greeting?.content ?? null);
  }

  /** What the caller said or keyed, and the agent's answering turn. Any input resets the idle reminders. */
  async hear(input: { text: string } | { dtmf: string }, signal?: AbortSignal): Promise<TurnOutcome> {
    this.reminders = 0;
    const turn = await this.engine.turn(this.conversation, 'dtmf' in input ? { text: input.dtmf, dtmf: input.dtmf } : input, { emit: this.emit, signal });
    this.turns += 1;
    this.lastReply = turn.reply.content;
    return turn;
  }

  /**
   * Play a caller's script on a simulated clock: the greeting, each step and each reply take as
   * long as they take to say, silences as long as scripted (with call control applied), until the
   * script ends or the call does. `onTurn` hears of each answered step with how long the reply took.
   */
  async play(
    script: ScriptStep[],
    options: { signal?: AbortSignal; clock?: () => number; onTurn?(stepIndex: number, turn: TurnOutcome, latencyMs: number): void } = {},
  ): Promise<void> {
    const clock = options.clock ?? (() => performance.now());
    const interval = this.served.config.agent.callControl.idleReminderSeconds;
    this.elapsedSeconds = speakingSeconds(this.lastReply);
    for (const [index, step] of script.entries()) {
      if ('silenceSeconds' in step) {
        let silence = step.silenceSeconds;
        while (silence >= interval && !this.ended) {
          silence -= interval;
          this.elapsedSeconds += interval;
          this.idle();
        }
        this.elapsedSeconds += silence;
      } else {
        this.elapsedSeconds += speakingSeconds('text' in step ? step.text : step.dtmf);
        const started = clock();
        const turn = await this.hear(step, options.signal);
        options.onTurn?.(index, turn, clock() - started);
        this.elapsedSeconds += speakingSeconds(turn.reply.content);
      }
      if (this.ended || this.checkLength()) break;
    }
  }

  /**
   * The caller has been silent for one reminder interval: remind them, or once the reminders are
   * spent, take the no-response action (which ends the call).
   */
  idle(): void {
    const control = this.served.config.agent.callControl;
    if (this.reminders < control.maxIdleReminders) {
      this.reminders += 1;
      this.say('call_control', { action: 'idle_reminder', reminder: this.reminders }, IDLE_REMINDER);
      return;
    }
    const { handoffConfig } = this.served.config.agent;
    const transfer = control.onNoResponseAction === 'transfer' ? handoffConfig.transferDestination : null;
    this.say('call_control', { action: 'no_response', then: transfer ? 'transfer' : 'end' }, transfer ? NO_RESPONSE_TRANSFER : NO_RESPONSE_GOODBYE);
    if (transfer) this.say('handoff', { destination: transfer, reason: 'no_response', warm: handoffConfig.warm });
    this.hangUp('no_response');
  }

  /** End the call if it has reached its maximum length; true when it has. */
  checkLength(): boolean {
    const limit = this.served.config.agent.callControl.maxDurationSeconds;
    if (this.ended || this.elapsedSeconds < limit) return this.ended !== null;
    this.say('call_control', { action: 'max_duration', limitSeconds: limit }, MAX_DURATION_GOODBYE);
    this.hangUp('max_duration');
    return true;
  }

  /** End the call (idempotent). */
  hangUp(reason: string): ConversationRecord {
    this.ended ??= this.engine.end(this.conversation, reason, this.emit, this.elapsedSeconds);
    return this.ended;
  }

  /** An event outside a model turn, with the agent's words if it speaks. */
  private say(type: 'call_control' | 'handoff', data: Record<string, unknown>, reply?: string): void {
    const events: ReceiptEvent[] = [receiptEvent(type, this.now(), { ...data, atSecond: Math.round(this.elapsedSeconds) })];
    if (reply) events.push(receiptEvent('agent_message', this.now(), { text: reply, kind: type }));
    events.forEach(this.emit);
    this.engine.note(this.conversation, events, reply);
    if (reply) this.lastReply = reply;
  }
}
