/**
 * The HTTP load generator, run on a worker thread of the benchmark process so that the client's
 * JavaScript does not share the server's event loop. `concurrency` keep-alive HTTP/1.1
 * connections, each with one request in flight at a time (no pipelining).
 *
 * The client is a minimal one on raw sockets (like autocannon's): the request bytes are built
 * once and responses are framed by Content-Length. node:http or fetch as the client cost several
 * times more CPU per request than a bare Hono route does, so the baseline would measure the
 * client, not the server.
 */
import net from 'node:net';
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

/** One keep-alive connection: send a request, resolve with the status once the whole body is in. */
class Connection {
  private readonly socket: net.Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private pending?: { resolve: (status: number) => void; reject: (error: Error) => void };
  private readonly ready: Promise<void>;

  constructor(url: URL, private readonly request: Buffer) {
    this.socket = net.connect({ host: url.hostname, port: Number(url.port), noDelay: true });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('connection closed by the server')));
  }

  async send(): Promise<number> {
    await this.ready;
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(this.request);
    });
  }

  close(): void {
    this.socket.removeAllListeners('close');
    this.socket.destroy();
  }

  private fail(error: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const headerEnd = this.buffer.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const head = this.buffer.toString('latin1', 0, headerEnd);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length) return this.fail(new Error(`response without Content-Length: ${head.slice(0, 200)}`));
    const total = headerEnd + 4 + Number(length[1]);
    if (this.buffer.length < total) return;
    if (this.buffer.length > total) return this.fail(new Error('unexpected bytes after the response'));
    this.buffer = Buffer.alloc(0);
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve(Number(head.slice(9, 12)));
  }
}

async function phase(connections: Connection[], total: number, latencies: Float64Array | null) {
  let issued = 0;
  let errors = 0;
  let firstError: string | undefined;
  const worker = async (connection: Connection) => {
    while (issued < total) {
      const index = issued++;
      const started = performance.now();
      try {
        const status = await connection.send();
        if (status !== 200) {
          errors++;
          firstError ??= `HTTP ${status}`;
        }
      } catch (error) {
        errors++;
        firstError ??= String(error);
        return;
      }
      if (latencies) latencies[index] = performance.now() - started;
    }
  };
  await Promise.all(connections.map(worker));
  return { errors, firstError };
}

async function run(job: LoadJob): Promise<void> {
  const url = new URL(job.url);
  const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`, 'Connection: keep-alive', ...Object.entries(job.headers).map(([name, value]) => `${name}: ${value}`)];
  const request = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  const connections = Array.from({ length: job.concurrency }, () => new Connection(url, request));
  try {
    await phase(connections, job.warmup, null);
    parentPort!.postMessage({ type: 'measuring' } satisfies LoadMessage);
    const latencies = new Float64Array(job.count);
    const started = performance.now();
    const { errors, firstError } = await phase(connections, job.count, latencies);
    const elapsedMs = performance.now() - started;
    parentPort!.postMessage({ type: 'done', latencies, elapsedMs, errors, firstError } satisfies LoadMessage, [latencies.buffer]);
  } finally {
    for (const connection of connections) connection.close();
  }
}

parentPort!.on('message', (job: LoadJob) => void run(job));
