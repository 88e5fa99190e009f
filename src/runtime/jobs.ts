/**
 * The in-process job worker: claims durable jobs with a lease, renews the lease while working,
 * retries with backoff, and gives up after the job's attempts. A job whose worker died is picked
 * up again once its lease lapses, so a crash or restart loses nothing; handlers must therefore be
 * safe to run twice.
 */
import { FlowyteError } from '../errors.ts';
import type { Logger } from '../services.ts';
import { reportUnexpected } from '../logging.ts';
import type { JobRecord, JobStore } from '../store/jobs.ts';

export interface JobHandler {
  kind: string;
  run(job: JobRecord, signal: AbortSignal): Promise<void>;
  /** Called once, when the job will not be tried again. */
  giveUp?(job: JobRecord, error: unknown): void;
  /** When to try again after this failure, if the handler keeps its own schedule (default: `backoffMs`). */
  retryAt?(job: JobRecord, error: unknown): Date | undefined;
}

export interface WorkerOptions {
  leaseMs: number;
  pollMs: number;
  /** Errors with these codes are final: retrying cannot help. */
  permanentCodes?: ReadonlySet<string>;
}

/** Backoff before attempt n+1: 2s, 8s, 32s… capped at 10 minutes. */
export function backoffMs(attempt: number): number {
  return Math.min(2000 * 4 ** (attempt - 1), 600_000);
}

export class JobWorker {
  private readonly handlers: Map<string, JobHandler>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly abort = new AbortController();

  constructor(
    private readonly jobs: JobStore,
    handlers: JobHandler[],
    private readonly options: WorkerOptions,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.handlers = new Map(handlers.map((handler) => [handler.kind, handler]));
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stop claiming work and wait for the job in hand to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await this.running;
  }

  /** Look for work now (called after enqueueing). */
  wake(): void {
    if (!this.stopped) this.schedule(0);
  }

  /** Work jobs until none is runnable; returns how many ran. */
  async drain(): Promise<number> {
    let count = 0;
    while (await this.runOne()) count += 1;
    return count;
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.loop(), delay);
    this.timer.unref();
  }

  private async loop(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = (async () => {
      try {
        while (!this.stopped && (await this.runOne()));
      } finally {
        this.running = undefined;
        if (!this.stopped) this.schedule(this.options.pollMs);
      }
    })();
    await this.running;
  }

  /** Claim and run one job; false when nothing was runnable. */
  async runOne(): Promise<boolean> {
    const job = this.jobs.claim(this.options.leaseMs);
    if (!job) return false;
    const handler = this.handlers.get(job.kind);
    const renew = setInterval(() => this.jobs.renew(job.id, this.options.leaseMs), Math.max(50, this.options.leaseMs / 3));
    renew.unref();
    try {
      if (!handler) throw new FlowyteError('internal_error', `no handler for job kind ${job.kind}`);
      await handler.run(job, this.abort.signal);
      this.jobs.complete(job.id);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const permanent = error instanceof FlowyteError && (this.options.permanentCodes?.has(error.code) ?? false);
      const final = permanent || job.attempts >= job.maxAttempts;
      // The operator sees every failed attempt (a failed ingestion, a webhook that keeps failing);
      // a fault rather than an answer also gets its stack.
      this.logger.info('job attempt failed', { job: job.id, kind: job.kind, attempt: job.attempts, final, reason: message });
      reportUnexpected(this.logger, error, { job: job.id, kind: job.kind });
      if (!final) {
        const retryAt = handler?.retryAt?.(job, error) ?? new Date(this.now().getTime() + backoffMs(job.attempts));
        this.jobs.retry(job.id, message, retryAt);
      } else {
        this.jobs.fail(job.id, message);
        try {
          handler?.giveUp?.(job, error);
        } catch (giveUpError) {
          this.logger.error('job give-up handler failed', { job: job.id, error: String(giveUpError) });
        }
      }
    } finally {
      clearInterval(renew);
    }
    return true;
  }
}
