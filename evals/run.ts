/**
 * `npm run evals`: the copilot and agent suites on the configured model (the local model unless
 * FLOWYTE_MODEL_BASE_URL is set), as a score table. Exits non-zero when the pass rate is below
 * the floor (FLOWYTE_EVALS_FLOOR, default 0.9).
 */
import { agentSuite } from './agents.ts';
import { copilotSuite } from './copilot.ts';
import { evalPlatform } from './harness.ts';

export interface EvalResult {
  suite: string;
  name: string;
  passed: boolean;
  detail: string;
}

/** Run every suite, each on a fresh platform. */
export async function runEvals(env: NodeJS.ProcessEnv = process.env): Promise<EvalResult[]> {
  const results: EvalResult[] = [];
  for (const suite of [copilotSuite, agentSuite]) {
    const platform = evalPlatform(env);
    try {
      results.push(...(await suite(platform)));
    } finally {
      platform.close();
    }
  }
  return results;
}

export function passRate(results: EvalResult[]): number {
  return results.length ? results.filter((result) => result.passed).length / results.length : 0;
}

export function scoreTable(results: EvalResult[], model: string): string {
  const width = Math.max(...results.map((result) => result.name.length), 8);
  const lines = [`Evals on ${model}`, '', `${'suite'.padEnd(8)}  ${'scenario'.padEnd(width)}  result  detail`, `${'─'.repeat(8)}  ${'─'.repeat(width)}  ──────  ${'─'.repeat(40)}`];
  for (const result of results) lines.push(`${result.suite.padEnd(8)}  ${result.name.padEnd(width)}  ${result.passed ? 'pass  ' : 'FAIL  '}  ${result.detail}`);
  lines.push('');
  for (const suite of [...new Set(results.map((result) => result.suite))]) {
    const mine = results.filter((result) => result.suite === suite);
    lines.push(`${suite}: ${mine.filter((result) => result.passed).length}/${mine.length} (${Math.round(passRate(mine) * 100)}%)`);
  }
  lines.push(`total: ${results.filter((result) => result.passed).length}/${results.length} (${Math.round(passRate(results) * 100)}%)`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const floor = Number(process.env.FLOWYTE_EVALS_FLOOR ?? 0.9);
  const model = process.env.FLOWYTE_MODEL_BASE_URL ? `${process.env.FLOWYTE_MODEL ?? 'gpt-4o-mini'} at the configured server` : 'the local model';
  const results = await runEvals();
  process.stdout.write(`${scoreTable(results, model)}\nfloor: ${Math.round(floor * 100)}% → ${passRate(results) >= floor ? 'PASS' : 'MISS'}\n`);
  if (passRate(results) < floor) process.exitCode = 1;
}
