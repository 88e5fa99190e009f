/** One probe: a scenario through the conversation engine, turn by turn, checked against its gates. */
import type { ConversationEngine, ServedAgent } from '../engine/conversations.ts';
import { checkTurn, evaluateGates } from './gates.ts';
import { failedGates, type GateLimits, type GateResults, type ProbeScenario, type ResolvedScenario, type TurnResult } from './scenario.ts';

export interface ProbeOptions {
  signal?: AbortSignal;
  /** Milliseconds on a monotonic clock, to time turns (default performance.now; tests pin it). */
  clock?: () => number;
  /** Told once the probe's conversation exists. */
  onStart?(conversationId: string): void;
  /** Told as each turn is answered and checked. */
  onTurn?(turn: TurnResult): void;
}

export interface ProbeOutcome {
  conversationId: string;
  turns: TurnResult[];
  gates: GateResults;
  passed: boolean;
}

/** The scenario with its language settled: as given, else the agent's primary language. */
export function resolveScenario(scenario: ProbeScenario, served: ServedAgent): ResolvedScenario {
  return { ...scenario, language: scenario.language ?? served.config.agent.primaryLanguage };
}

const roundMs = (ms: number) => Math.round(ms * 100) / 100;

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
  const { conversation } = engine.start(served, { channel: 'chat', surface: 'probe', greet: true });
  options.onStart?.(conversation.id);
  const turns: TurnResult[] = [];
  try {
    for (const [index, script] of scenario.turns.entries()) {
      const started = clock();
      const outcome = await engine.turn(conversation, { text: script.user }, { signal: options.signal });
      const turn = checkTurn(index, script, outcome.reply.content, outcome.events, roundMs(clock() - started));
      turns.push(turn);
      options.onTurn?.(turn);
    }
  } finally {
    engine.end(conversation, 'probe_finished');
  }
  const gates = evaluateGates(scenario, turns, limits);
  return { conversationId: conversation.id, turns, gates, passed: failedGates(gates).length === 0 };
}
