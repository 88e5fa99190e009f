/**
 * The HTTP load generator, run on a worker thread of the benchmark process so that the client's
 * JavaScript does not share the server's event loop. node:http with a keep-alive agent,
 * `concurrency` workers each sending one request at a time.
 */
import http from 'node:http';
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';

export interface LoadJob {
  url: string;
  headers: Record<string, string>;
  warmup: number;
  count: number;
  concurrency: number;
}

export type LoadMessage =
  | { type: 'measuring' }
  | { type: 'done'; latencies: Float64Array; elapsedMs: number; errors: number; firstError?: string };

function once(agent: http.Agent, url: URL, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request({ agent, host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'GET', headers }, (response) => {
      response.on('data', () => {});
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

async function phase(agent: http.Agent, job: LoadJob, url: URL, total: number, latencies: Float64Array | null) {
  let issued = 0;
  let errors = 0;
  let firstError: string | undefined;
  const worker = async () => {
    while (issued < total) {
      const index = issued++;
      const started = performance.now();
      try {
        const status = await once(agent, url, job.headers);
        if (status !== 200) {
          errors++;
          firstError ??= `HTTP ${status}`;
        }
      } catch (error) {
        errors++;
        firstError ??= String(error);
      }
      if (latencies) latencies[index] = performance.now() - started;
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  return { errors, firstError };
}

async function run(job: LoadJob): Promise<void> {
  const url = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  try {
    await phase(agent, job, url, job.warmup, null);
    parentPort!.postMessage({ type: 'measuring' } satisfies LoadMessage);
    const latencies = new Float64Array(job.count);
    const started = performance.now();
    const { errors, firstError } = await phase(agent, job, url, job.count, latencies);
    const elapsedMs = performance.now() - started;
    parentPort!.postMessage({ type: 'done', latencies, elapsedMs, errors, firstError } satisfies LoadMessage, [latencies.buffer]);
  } finally {
    agent.destroy();
  }
}

parentPort!.on('message', (job: LoadJob) => void run(job));
