/**
 * One probe: a scenario turn by turn, checked against its gates, either through the conversation
 * engine in-process (loopback) or as a call to the agent's assigned number on the sandbox carrier
 * (phone), which goes the way a caller's would: routing, the live version, call control, billing.
 */
import type { ConversationEngine, ServedAgent } from '../engine/conversations.ts';
import type { Services } from '../../services.ts';
import type { ReceiptEvent } from '../../store/conversations.ts';
import type { OwnedNumber } from '../../store/numbers.ts';
import { FlowyteError } from '../../errors.ts';
import { placeSandboxCall } from '../numbers/sandbox-call.ts';
import { failedGates, type GateLimits, type GateResults, type ProbeScenario, type ResolvedScenario, type TurnResult } from './scenario.ts';

export interface ProbeOptions {
  signal?: AbortSignal;
  /** Milliseconds on a monotonic clock, to time turns (default performance.now; tests pin it). */
  clock?: () => number;
  /** Told once the probe's conversation exists. */
  onStart?(conversation: { id: string; versionId: string | null }): void;
  /** Told as each turn is answered and checked. */
  onTurn?(turn: TurnResult): void;
}

export interface ProbeOutcome {
  conversationId: string;
  turns: TurnResult[];
  gates: GateResults;
  passed: boolean;
}

/** The caller ID phone probes dial from (in the range set aside for fiction). */
export const PROBE_CALLER_ID = '+12025550100';

/** The scenario with its language settled: as given, else the agent's primary language. */
export function resolveScenario(scenario: ProbeScenario, served: ServedAgent): ResolvedScenario {
  return { ...scenario, language: scenario.language ?? served.config.agent.primaryLanguage };
}

const roundMs = (ms: number) => Math.round(ms * 100) / 100;

/** Checks each turn as it is answered, then the gates over all of them. */
async function probeChecks(scenario: ResolvedScenario, limits: GateLimits, options: ProbeOptions) {
  // The gates' language detector (franc and its tables) loads with the first probe, not at start-up.
  const { checkTurn, evaluateGates } = await import('./gates.ts');
  const turns: TurnResult[] = [];
  return {
    answered(index: number, reply: string, events: ReceiptEvent[], latencyMs: number): void {
      const turn = checkTurn(index, scenario.turns[index], reply, events, roundMs(latencyMs));
      turns.push(turn);
      options.onTurn?.(turn);
    },
    outcome(conversationId: string): ProbeOutcome {
      const gates = evaluateGates(scenario, turns, limits);
      return { conversationId, turns, gates, passed: failedGates(gates).length === 0 };
    },
  };
}

/**
 * Run a scenario as a conversation of its own (surface `probe`; a draft conversation when the
 * served agent is the draft, so it is never billed), then evaluate the gates.
 */
export async function runProbe(
  engine: ConversationEngine,
  served: ServedAgent,
  scenario: ResolvedScenario,
  limits: GateLimits,
  options: ProbeOptions = {},
): Promise<ProbeOutcome> {
  const clock = options.clock ?? (() => performance.now());
  const checks = await probeChecks(scenario, limits, options);
  const { conversation } = engine.start(served, { channel: 'chat', surface: 'probe', greet: true });
  options.onStart?.(conversation);
  try {
    for (const [index, script] of scenario.turns.entries()) {
      const started = clock();
      const outcome = await engine.turn(conversation, { text: script.user }, { signal: options.signal });
      checks.answered(index, outcome.reply.content, outcome.events, clock() - started);
    }
  } finally {
    engine.end(conversation, 'probe_finished');
  }
  return checks.outcome(conversation.id);
}

/** The number a phone probe dials: the agent's assigned number on a carrier that can simulate calls. */
export function probeLine(services: Pick<Services, 'carrier' | 'numbers'>, orgId: string, agentId: string): OwnedNumber {
  if (!services.carrier.simulatesCalls) {
    throw new FlowyteError('probe_mode_unavailable', `phone probes place sandbox calls, which the ${services.carrier.name} carrier cannot: use mode "loopback"`, {
      errors: [{ field: 'mode', message: 'needs the sandbox carrier' }],
    });
  }
  const number = services.numbers.assignedTo(orgId, agentId);
  if (!number) {
    throw new FlowyteError('probe_mode_unavailable', `agent ${agentId} has no phone number to dial: assign one to it (POST /numbers/{id}/assign) or use mode "loopback"`, {
      errors: [{ field: 'mode', message: 'the agent needs an assigned phone number' }],
    });
  }
  return number;
}

/** Run a scenario as a sandbox call to the agent's number (its live version answers), then evaluate the gates. */
export async function runPhoneProbe(
  services: Services,
  orgId: string,
  agentId: string,
  scenario: ResolvedScenario,
  limits: GateLimits,
  options: ProbeOptions = {},
): Promise<ProbeOutcome> {
  const number = probeLine(services, orgId, agentId);
  const checks = await probeChecks(scenario, limits, options);
  const call = await placeSandboxCall(
    services,
    orgId,
    { to: number.e164, from: PROBE_CALLER_ID, script: scenario.turns.map((turn) => ({ text: turn.user })) },
    {
      signal: options.signal,
      clock: options.clock,
      onAnswer: (conversation) => options.onStart?.(conversation),
      onTurn: (index, turn, latencyMs) => checks.answered(index, turn.reply.content, turn.events, latencyMs),
    },
  );
  return checks.outcome(call.conversation.id);
}
