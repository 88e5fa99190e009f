/** The evals on the local model, as CI runs them: every scenario is scored, and the pass rate holds its floor. */
import { expect, it } from 'vitest';
import { passRate, runEvals, scoreTable } from '../../evals/run.ts';

/** The local model's floor: one scenario of each suite may slip before CI fails. */
const FLOOR = 0.85;

it('scores the copilot and agent suites on the local model at or above the floor', async () => {
  // An empty environment: the local model, whatever this machine has configured.
  const results = await runEvals({});
  const table = scoreTable(results, 'the local model');
  expect(results.filter((result) => result.suite === 'copilot').length).toBeGreaterThanOrEqual(10);
  expect(results.filter((result) => result.suite === 'agents').length).toBeGreaterThanOrEqual(6);
  // A destructive tool run without confirmation fails its scenario outright and must never happen.
  expect(table).not.toContain('UNCONFIRMED');
  expect(passRate(results), table).toBeGreaterThanOrEqual(FLOOR);
}, 120_000);
