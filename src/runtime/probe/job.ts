/**
 * Probe runs as durable jobs: the run row says what to run and collects its turns as they are
 * answered; the job only points at it. A job that runs again (its worker died) starts the run over.
 */
import type { Services } from '../../services.ts';
import type { JobHandler } from '../jobs.ts';
import { toProblem } from '../../errors.ts';
import { reportUnexpected } from '../../logging.ts';
import { runPhoneProbe, runProbe, type ProbeOptions } from './runner.ts';

export const PROBE_JOB = 'probe_run';

const FINISHED = new Set(['passed', 'failed', 'error']);

/** Queue a probe run that was just created. */
export function enqueueProbeRun(services: Services, orgId: string, agentId: string, runId: string): void {
  services.jobs.enqueue({ kind: PROBE_JOB, orgId, subjectId: runId, payload: { agentId } });
}

/**
 * Work one probe run to its end: passed, failed, or error (the agent is gone, the model failed).
 * Only a stop of the worker (its signal aborted) leaves the run to be tried again.
 */
export async function runProbeJob(
  services: Services,
  orgId: string,
  agentId: string,
  runId: string,
  options: Pick<ProbeOptions, 'signal' | 'clock'> = {},
): Promise<void> {
  const { probes } = services;
  const run = probes.findRun(orgId, agentId, runId);
  if (!run || FINISHED.has(run.status)) return;
  try {
    const hooks: ProbeOptions = {
      ...options,
      onStart: (conversation) => probes.start(orgId, runId, { versionId: conversation.versionId, conversationId: conversation.id }),
      onTurn: (turn) => probes.addTurn(orgId, runId, turn),
    };
    const outcome =
      run.mode === 'phone'
        ? await runPhoneProbe(services, orgId, agentId, run.scenario, run.limits, hooks)
        : await runProbe(services.engine, services.engine.serve(orgId, agentId, run.draft), run.scenario, run.limits, hooks);
    probes.finish(orgId, runId, { status: outcome.passed ? 'passed' : 'failed', gates: outcome.gates });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    reportUnexpected(services.logger, error, { job: 'probe', run: runId, orgId, agentId });
    const { code, detail } = toProblem(error);
    probes.finish(orgId, runId, { status: 'error', gates: null, error: { code, detail } });
  }
}

/** The worker's handler for probe runs. */
export function probeJobHandler(services: Services): JobHandler {
  const target = (job: { orgId: string | null; subjectId: string | null; payload: Record<string, unknown> }) =>
    [job.orgId ?? '', String(job.payload.agentId), job.subjectId ?? ''] as const;
  return {
    kind: PROBE_JOB,
    run: (job, signal) => runProbeJob(services, ...target(job), { signal }),
    giveUp: (job) => {
      const [orgId, agentId, runId] = target(job);
      const run = services.probes.findRun(orgId, agentId, runId);
      if (run && !FINISHED.has(run.status)) {
        services.probes.finish(orgId, runId, { status: 'error', gates: null, error: { code: 'internal_error', detail: 'the probe run was interrupted too many times' } });
      }
    },
  };
}
