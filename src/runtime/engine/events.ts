/**
 * What the engine emits while it works. Receipt events are streamed live and kept as the
 * conversation's receipt; `token` deltas are live only.
 */
import type { ReceiptEvent } from '../../store/conversations.ts';

export type ReceiptEventType =
  | 'conversation_started'
  | 'user_utterance'
  | 'agent_message'
  | 'tool_call'
  | 'kb_retrieval'
  | 'guardrail'
  | 'verification'
  | 'handoff'
  | 'call_control'
  | 'playbook'
  | 'conversation_ended';

export type LiveEvent = ReceiptEvent | { type: 'token'; at: string; data: { delta: string } };

/** Where an engine sends its events as they happen. */
export type EventSink = (event: LiveEvent) => void;

/** A receipt event stamped now. */
export function receiptEvent(type: ReceiptEventType, at: Date, data: Record<string, unknown>): ReceiptEvent {
  return { type, at: at.toISOString(), data };
}
