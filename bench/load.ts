/** Main-thread side of the load generator: one worker thread, one job at a time. */
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import type { LoadJob, LoadMessage } from './load-worker.ts';
import { summarize, type Summary } from './stats.ts';

export class LoadGenerator {
  private readonly worker: Worker;

  constructor() {
    // Worker threads do not inherit `--import tsx`; register tsx inside the worker, then load it.
    const target = new URL('./load-worker.ts', import.meta.url).href;
    this.worker = new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(target)}); })`, {
      eval: true,
    });
    this.worker.unref();
  }

  /** Run a job; the summary carries the main thread's event-loop utilisation while measuring. */
  run(job: LoadJob): Promise<Summary> {
    return new Promise((resolve, reject) => {
      let eluStart: ReturnType<typeof performance.eventLoopUtilization> | undefined;
      const onMessage = (message: LoadMessage) => {
        if (message.type === 'measuring') {
          eluStart = performance.eventLoopUtilization();
          return;
        }
        cleanup();
        const summary = summarize(message.latencies, message.elapsedMs, message.errors);
        if (eluStart) summary.serverElu = performance.eventLoopUtilization(eluStart).utilization;
        if (message.errors) reject(new Error(`${message.errors} of ${job.count} requests to ${job.url} failed; first: ${message.firstError}`));
        else resolve(summary);
      };
      const onError = (error: Error) => (cleanup(), reject(error));
      const cleanup = () => {
        this.worker.off('message', onMessage);
        this.worker.off('error', onError);
      };
      this.worker.on('message', onMessage);
      this.worker.on('error', onError);
      this.worker.postMessage(job);
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}
