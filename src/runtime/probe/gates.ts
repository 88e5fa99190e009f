/**
 * The checks of a probe, as pure functions: each turn against its expectations, then the run
 * against its quality gates (goal completion, per-turn latency, language fidelity).
 */
import type { ReceiptEvent } from '../../store/conversations.ts';
import { baseLanguage, detectLanguage } from './language.ts';
import type { GateLimits, GateResults, ProbeTurnScript, ResolvedScenario, TurnResult } from './scenario.ts';

/** Knowledge search shows in the receipt as retrievals, not tool calls; probes name it as the model does. */
const KNOWLEDGE_TOOL = 'search_knowledge';

const normalized = (text: string) => text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

/** Whether `text` contains `phrase`, ignoring case and runs of whitespace. */
export function says(text: string, phrase: string): boolean {
  return normalized(text).includes(normalized(phrase));
}

/** The tools a turn called, in order, from its receipt events. */
export function toolCallsOf(events: ReceiptEvent[]): { name: string; ok: boolean }[] {
  return events.flatMap((event) => {
    if (event.type === 'tool_call') return [{ name: String(event.data.name), ok: event.data.ok === true }];
    if (event.type === 'kb_retrieval') return [{ name: KNOWLEDGE_TOOL, ok: true }];
    return [];
  });
}

/** One answered turn checked against what the script expected of it. */
export function checkTurn(index: number, script: ProbeTurnScript, reply: string, events: ReceiptEvent[], latencyMs: number): TurnResult {
  const toolCalls = toolCallsOf(events);
  const phrases = (script.expectPhrases ?? []).map((phrase) => ({ phrase, said: says(reply, phrase) }));
  const expectedTools = (script.expectToolCalls ?? []).map((name) => ({ name, called: toolCalls.some((call) => call.name === name) }));
  return {
    index,
    user: script.user,
    reply,
    latencyMs,
    toolCalls,
    language: detectLanguage(reply),
    checks: { phrases, toolCalls: expectedTools },
    passed: phrases.every((check) => check.said) && expectedTools.every((check) => check.called),
  };
}

/** What a turn missed, in words. */
function misses(turn: TurnResult): string[] {
  const number = turn.index + 1;
  return [
    ...turn.checks.phrases.filter((check) => !check.said).map((check) => `turn ${number} did not say "${check.phrase}"`),
    ...turn.checks.toolCalls.filter((check) => !check.called).map((check) => `turn ${number} did not call ${check.name}`),
  ];
}

/**
 * Goal completion: the goal was reached (its tool was called successfully, its phrase said in
 * some reply) and every turn's own expectations held; with no goal, the turn expectations alone.
 */
export function goalCompletion(scenario: ResolvedScenario, turns: TurnResult[]): GateResults['goalCompletion'] {
  const missed = turns.flatMap(misses);
  // A call can end before the script does (its maximum length): what was never asked did not hold.
  if (turns.length < scenario.turns.length) missed.push(`turn ${turns.length + 1} was never answered: the call ended first`);
  const { goal } = scenario;
  if (goal?.toolCall && !turns.some((turn) => turn.toolCalls.some((call) => call.name === goal.toolCall && call.ok))) {
    missed.push(`the goal tool ${goal.toolCall} was never called successfully`);
  }
  if (goal?.phrase && !turns.some((turn) => says(turn.reply, goal.phrase!))) missed.push(`the goal phrase "${goal.phrase}" was never said`);
  if (missed.length) return { passed: false, detail: missed.join('; ') };
  return { passed: true, detail: goal ? 'the goal was reached and every turn expectation held' : 'every turn expectation held' };
}

/** Nearest-rank percentile of values sorted ascending. */
function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)];
}

/** Latency: every turn answered within the limit; p95 and max reported. */
export function latencyGate(turns: TurnResult[], limits: GateLimits): GateResults['latency'] {
  const sorted = turns.map((turn) => turn.latencyMs).sort((a, b) => a - b);
  const maxMs = sorted.at(-1) ?? 0;
  return { passed: maxMs <= limits.maxTurnLatencyMs, p95Ms: percentile(sorted, 0.95), maxMs, limitMs: limits.maxTurnLatencyMs };
}

/** Language fidelity: every reply long enough to judge is in the scenario's language. */
export function languageGate(scenario: ResolvedScenario, turns: TurnResult[]): GateResults['languageFidelity'] {
  const expected = baseLanguage(scenario.language);
  const judged = turns.map((turn) => turn.language).filter((language) => language !== null);
  return { passed: judged.every((language) => language === expected), expected, detected: [...new Set(judged)] };
}

/** Every gate of a finished run. */
export function evaluateGates(scenario: ResolvedScenario, turns: TurnResult[], limits: GateLimits): GateResults {
  return { goalCompletion: goalCompletion(scenario, turns), latency: latencyGate(turns, limits), languageFidelity: languageGate(scenario, turns) };
}
