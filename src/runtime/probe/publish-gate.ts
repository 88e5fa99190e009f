/** Gated publishing: every scenario saved on the agent must pass against the draft first. */
import type { Services } from '../../services.ts';
import type { AgentRecord } from '../../store/agents.ts';
import { FlowyteError } from '../../errors.ts';
import { resolveScenario, runProbe } from './runner.ts';
import { failedGates } from './scenario.ts';

/**
 * Run the agent's saved scenarios against its draft, one after another, and fail with 409
 * probe_failed (listing each failed scenario and its failed gates) unless all pass. Returns the
 * draft version that was probed, so that exactly that version is published. With a stale
 * `expectedVersion` nothing runs: the publish itself answers the conflict.
 */
export async function requirePassingProbes(services: Services, agent: AgentRecord, expectedVersion: number | undefined, signal?: AbortSignal): Promise<number> {
  if (expectedVersion !== undefined && expectedVersion !== agent.version) return expectedVersion;
  const saved = services.probes.scenarios(agent.orgId, agent.id);
  if (saved.length === 0) return agent.version;
  const served = services.engine.serve(agent.orgId, agent.id, true);
  const failures = [];
  for (const { scenario, limits } of saved) {
    const outcome = await runProbe(services.engine, served, resolveScenario(scenario, served), limits, { signal });
    if (!outcome.passed) failures.push({ scenario: scenario.name, conversationId: outcome.conversationId, failedGates: failedGates(outcome.gates), gates: outcome.gates });
  }
  if (failures.length > 0) {
    const names = failures.map((failure) => `"${failure.scenario}" (${failure.failedGates.join(', ')})`).join(', ');
    throw new FlowyteError('probe_failed', `${failures.length} of ${saved.length} saved probe scenarios failed against the draft: ${names}; nothing was published`, {
      extensions: { failedScenarios: failures },
    });
  }
  return agent.version;
}
