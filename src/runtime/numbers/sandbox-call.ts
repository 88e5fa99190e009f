/**
 * Inbound calls on the sandbox carrier: a scripted caller dials a number the org owns, the call is
 * routed to the number's agent (its live version, as on a real line) and runs through the engine
 * as a voice conversation on surface `phone`. After hang-up the carrier path meters what the line
 * adds to the engine's voice minutes: the toll-free surcharge, and the minutes of a transferred call.
 */
import { FlowyteError, notFound } from '../../errors.ts';
import type { Services } from '../../services.ts';
import type { ConversationRecord } from '../../store/conversations.ts';
import type { OwnedNumber } from '../../store/numbers.ts';
import { Call, type ScriptStep } from '../engine/call.ts';
import { billedMinutes, type TurnOutcome } from '../engine/conversations.ts';
import type { EventSink } from '../engine/events.ts';
import { chargeUsage } from '../billing/meter.ts';

export interface InboundCall {
  /** The org's number being dialled. */
  to: string;
  /** The caller's number. */
  from: string;
  script: ScriptStep[];
  /** How long the far end of a transfer stayed on the line, when the agent transferred. */
  transferredSeconds?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
  emit?: EventSink;
  clock?: () => number;
  /** Told once the call is answered. */
  onAnswer?(conversation: ConversationRecord): void;
  onTurn?(stepIndex: number, turn: TurnOutcome, latencyMs: number): void;
}

export interface CallResult {
  number: OwnedNumber;
  conversation: ConversationRecord;
  durationSeconds: number;
  transferred: boolean;
}

/** The org's number that a call to `e164` reaches, routed to an agent: 404 when not the org's, 409 when unassigned. */
export function routeCall(services: Services, orgId: string, e164: string): OwnedNumber & { agentId: string } {
  const number = services.numbers.findByE164(orgId, e164);
  if (!number) throw notFound('number', e164);
  if (!number.agentId) {
    throw new FlowyteError('number_unassigned', `${e164} is not assigned to an agent, so nobody would answer: POST /numbers/${number.id}/assign first`);
  }
  return { ...number, agentId: number.agentId };
}

/** Place a scripted inbound call on the sandbox carrier and meter the line's own charges. */
export async function placeSandboxCall(services: Services, orgId: string, inbound: InboundCall, options: CallOptions = {}): Promise<CallResult> {
  if (!services.carrier.simulatesCalls) {
    throw new FlowyteError('unprocessable', `the ${services.carrier.name} carrier carries real calls only: simulated calls need the sandbox carrier (FLOWYTE_CARRIER=sandbox)`);
  }
  const number = routeCall(services, orgId, inbound.to);
  const served = services.engine.serve(orgId, number.agentId, false);
  const call = Call.answer(services.engine, served, 'phone', options.emit ?? (() => {}), services.now, inbound.from);
  options.onAnswer?.(call.conversation);
  try {
    await call.play(inbound.script, options);
  } finally {
    call.hangUp('completed');
  }
  const conversation = services.conversations.find(orgId, call.conversation.id)!;
  const transferred = services.conversations.events(orgId, conversation.id).some((event) => event.type === 'handoff');
  meterLine(services, number, conversation, call.elapsedSeconds, transferred ? inbound.transferredSeconds : undefined);
  return { number, conversation, durationSeconds: call.elapsedSeconds, transferred };
}

/** What the line adds to the engine's voice minutes: toll-free minutes, and forwarded minutes. */
function meterLine(services: Services, number: OwnedNumber, conversation: ConversationRecord, durationSeconds: number, transferredSeconds: number | undefined): void {
  const charge = { orgId: number.orgId, agentId: conversation.agentId, conversationId: conversation.id, numberId: number.id };
  if (number.numberType === 'toll_free' && durationSeconds > 0) {
    chargeUsage(services, { ...charge, channel: 'voice', kind: 'toll_free_minute', quantity: billedMinutes(durationSeconds) }, { idempotencyKey: `toll_free:${conversation.id}` });
  }
  if (transferredSeconds) {
    chargeUsage(
      services,
      { ...charge, channel: 'transfer_minute', kind: 'transfer_minute', quantity: billedMinutes(transferredSeconds) },
      { idempotencyKey: `transfer:${conversation.id}` },
    );
  }
}
