/** Background work of the server: the job worker and the scheduler that feeds it. */
import type { Services } from '../services.ts';
import { JobWorker } from './jobs.ts';
import { INGEST_JOB, PERMANENT_CODES, ingestSource, ingestionFailed } from './knowledge/ingest.ts';
import { probeJobHandler } from './probe/job.ts';
import { queueUnstartedReloads, reloadJobHandler } from './payments/auto-reload.ts';
import { webhookJobHandler } from './webhooks/deliver.ts';
import { renewDue } from './billing/subscription.ts';
import { chargeDueRentals } from './numbers/rental.ts';

export interface Background {
  worker: JobWorker;
  /** Queue what is due (auto-refresh, unstarted wallet reloads), collect expired uploads, end idle conversations. */
  tick(): void;
  start(): void;
  stop(): Promise<void>;
}

const TICK_MS = 30_000;

export function createBackground(services: Services): Background {
  const worker = new JobWorker(
    services.jobs,
    [
      {
        kind: INGEST_JOB,
        run: (job, signal) => ingestSource(services, job.subjectId as string, signal),
        giveUp: (job, error) => ingestionFailed(services, job.subjectId as string, error),
      },
      probeJobHandler(services),
      webhookJobHandler(services),
      reloadJobHandler(services),
    ],
    { leaseMs: services.config.jobLeaseMs, pollMs: services.config.jobPollMs, permanentCodes: PERMANENT_CODES },
    services.logger,
    services.now,
  );
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;

  const tick = () => {
    for (const source of services.knowledge.dueForRefresh(100)) {
      services.jobs.enqueue({ kind: INGEST_JOB, orgId: source.orgId, subjectId: source.id, payload: { reason: 'auto_refresh' } });
      // Not due again until the interval has passed, whatever the job's outcome.
      services.knowledge.updateSource(source.id, {
        nextRefreshAt: new Date(services.now().getTime() + source.refreshIntervalHours * 3_600_000).toISOString(),
      });
    }
    queueUnstartedReloads(services);
    renewDue(services);
    chargeDueRentals(services);
    services.files.collectExpired();
    const idleBefore = new Date(services.now().getTime() - services.config.sessionIdleMinutes * 60_000).toISOString();
    for (const conversation of services.conversations.idleSince(idleBefore, 500)) services.engine.end(conversation, 'idle_timeout');
  };

  return {
    worker,
    tick,
    start() {
      unsubscribe = services.jobs.onEnqueue(() => worker.wake());
      worker.start();
      tick();
      timer = setInterval(tick, TICK_MS);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      unsubscribe?.();
      await worker.stop();
    },
  };
}
