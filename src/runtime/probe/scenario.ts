/** What a probe runs (a scripted scenario and its gate limits) and what it reports. */

export interface ProbeTurnScript {
  /** What the caller says. */
  user: string;
  /** Tools the agent must call while answering (skills by their tool name, or search_knowledge). */
  expectToolCalls?: string[];
  /** Phrases the reply must contain (case and spacing ignored). */
  expectPhrases?: string[];
}

export interface ProbeGoal {
  toolCall?: string;
  phrase?: string;
}

export interface ProbeScenario {
  name: string;
  /** BCP-47; absent means the agent's primary language at run time. */
  language?: string;
  turns: ProbeTurnScript[];
  goal?: ProbeGoal;
}

/** A scenario whose language is settled. */
export type ResolvedScenario = ProbeScenario & { language: string };

/**
 * Replies with fewer letters than this are not judged: a short "OK, 9am." carries too few
 * trigrams to tell languages apart reliably, and names and numbers are the same in most.
 * (Here, not in language.ts, so the probe tools can cite it without loading the detector.)
 */
export const MIN_LETTERS_TO_JUDGE = 20;

export interface GateLimits {
  maxTurnLatencyMs: number;
}

export const DEFAULT_GATE_LIMITS: GateLimits = { maxTurnLatencyMs: 5000 };

export interface TurnResult {
  index: number;
  user: string;
  reply: string;
  latencyMs: number;
  toolCalls: { name: string; ok: boolean }[];
  /** Language detected in the reply; null when it is too short to judge. */
  language: string | null;
  checks: {
    phrases: { phrase: string; said: boolean }[];
    toolCalls: { name: string; called: boolean }[];
  };
  /** Whether every expectation of the turn held. */
  passed: boolean;
}

export interface GateResults {
  goalCompletion: { passed: boolean; detail: string };
  latency: { passed: boolean; p95Ms: number; maxMs: number; limitMs: number };
  languageFidelity: { passed: boolean; expected: string; detected: string[] };
}

export type ProbeStatus = 'queued' | 'running' | 'passed' | 'failed' | 'error';

/** loopback: the engine in-process; phone: a call to the agent's assigned number on the sandbox carrier. */
export type ProbeMode = 'loopback' | 'phone';

/** The gates that did not pass, by name. */
export function failedGates(gates: GateResults): (keyof GateResults)[] {
  return (Object.keys(gates) as (keyof GateResults)[]).filter((name) => !gates[name].passed);
}
