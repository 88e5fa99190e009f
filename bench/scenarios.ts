/** The three comparisons: REST over HTTP, MCP in process, MCP over Streamable HTTP. */
import { performance } from 'node:perf_hooks';
import { Client, InMemoryTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { McpServer } from '@modelcontextprotocol/server';
import { TOOLS } from '../src/tools/index.ts';
import { buildMcpServer } from '../src/mcp/server.ts';
import { DEFAULT_MCP_OPTIONS } from '../src/mcp/selection.ts';
import { resolveActor } from '../src/auth/actor.ts';
import type { LoadGenerator } from './load.ts';
import { bareMcpHttpApp, bareMcpServer, bareRestApp, listen, type BenchPlatform } from './platform.ts';
import { best, summarize, type Summary } from './stats.ts';

export interface Pair {
  subject: Summary;
  baseline: Summary;
  /** Every run, in the order they ran, for the record. */
  runs: { which: 'subject' | 'baseline'; summary: Summary }[];
}

/**
 * Run each side once unmeasured (priming: JIT, connection pools, SQLite page cache), then baseline
 * and subject `rounds` times each in ABBA order (B S S B …) so that drift on a noisy machine hits
 * both alike, and keep each one's best run.
 */
async function alternate(rounds: number, baseline: () => Promise<Summary>, subject: () => Promise<Summary>): Promise<Pair> {
  await baseline();
  await subject();
  const runs: Pair['runs'] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['baseline', 'subject'] as const) : (['subject', 'baseline'] as const);
    for (const which of order) runs.push({ which, summary: await (which === 'baseline' ? baseline() : subject()) });
  }
  const pick = (which: 'subject' | 'baseline') => best(runs.filter((run) => run.which === which).map((run) => run.summary));
  return { subject: pick('subject'), baseline: pick('baseline'), runs };
}

/** Time `count` sequential calls after `warmup` unmeasured ones. */
async function sequential(call: () => Promise<void>, warmup: number, count: number): Promise<Summary> {
  for (let i = 0; i < warmup; i++) await call();
  const latencies = new Float64Array(count);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await call();
    latencies[i] = performance.now() - t0;
  }
  return summarize(latencies, performance.now() - started);
}

export interface RestOptions {
  warmup: number;
  count: number;
  /** Concurrent keep-alive connections for the throughput run. */
  concurrency: number;
  rounds: number;
  /** Requests for the extra one-connection run, which shows latency without queueing. */
  latencyCount: number;
}

/**
 * 1. GET /api/v1/agents/{id}: the full stack versus a bare Hono route, both on a real port. Once
 * under concurrent load (throughput), once over a single connection (service latency).
 */
export async function benchRest(platform: BenchPlatform, load: LoadGenerator, options: RestOptions): Promise<{ loaded: Pair; single: Pair }> {
  const full = await listen(platform.app.fetch);
  const bare = await listen(bareRestApp(platform.agentEnvelope).fetch);
  const path = `/api/v1/agents/${platform.agentId}`;
  // The same request bytes to both; the bare route ignores the header.
  const job = { headers: { Authorization: `Bearer ${platform.key}` }, warmup: options.warmup, count: options.count, concurrency: options.concurrency };
  try {
    const loaded = await alternate(
      options.rounds,
      () => load.run({ ...job, url: bare.url + path }),
      () => load.run({ ...job, url: full.url + path }),
    );
    const one = { ...job, concurrency: 1, count: options.latencyCount, warmup: Math.ceil(options.latencyCount / 10) };
    const single = await alternate(
      2,
      () => load.run({ ...one, url: bare.url + path }),
      () => load.run({ ...one, url: full.url + path }),
    );
    return { loaded, single };
  } finally {
    await Promise.all([full.close(), bare.close()]);
  }
}

export interface SequentialOptions {
  warmup: number;
  count: number;
  rounds: number;
}

function checkAgent(result: Awaited<ReturnType<Client['callTool']>>, agentId: string, label: string): void {
  const id = (result.structuredContent as { id?: string } | undefined)?.id;
  if (result.isError || id !== agentId) throw new Error(`${label}: get_agent did not return the agent: ${JSON.stringify(result).slice(0, 300)}`);
}

async function inMemoryClient(server: McpServer): Promise<Client> {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: 'flowyte-bench', version: '1.0.0' });
  await client.connect(clientTransport);
  return client;
}

/** Time get_agent calls through a connected client (one client for all rounds of this side). */
function callLoop(client: Client, agentId: string, label: string, options: SequentialOptions): () => Promise<Summary> {
  const call = async () => {
    const result = await client.callTool({ name: 'get_agent', arguments: { id: agentId } });
    if (result.isError) throw new Error(`${label}: ${JSON.stringify(result.content).slice(0, 300)}`);
  };
  return () => sequential(call, options.warmup, options.count);
}

/** 2. tools/call get_agent through a real Client over an InMemoryTransport pair. */
export async function benchMcpInMemory(platform: BenchPlatform, options: SequentialOptions): Promise<Pair> {
  const actor = resolveActor(platform.services.credentials, `Bearer ${platform.key}`);
  const flowyte = await inMemoryClient(
    buildMcpServer({ tools: TOOLS, services: platform.services, actor, options: DEFAULT_MCP_OPTIONS }),
  );
  const bare = await inMemoryClient(bareMcpServer(platform.agentEnvelope.data));
  try {
    checkAgent(await flowyte.callTool({ name: 'get_agent', arguments: { id: platform.agentId } }), platform.agentId, 'flowyte in-memory');
    checkAgent(await bare.callTool({ name: 'get_agent', arguments: { id: platform.agentId } }), platform.agentId, 'bare in-memory');
    return await alternate(
      options.rounds,
      callLoop(bare, platform.agentId, 'bare in-memory', options),
      callLoop(flowyte, platform.agentId, 'flowyte in-memory', options),
    );
  } finally {
    await Promise.all([flowyte.close(), bare.close()]);
  }
}

export type Era = 'legacy' | 'modern';

async function httpClient(url: string, era: Era, headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'flowyte-bench', version: '1.0.0' }, era === 'modern' ? { versionNegotiation: { mode: 'auto' } } : {});
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  if (client.getProtocolEra() !== era) throw new Error(`asked for a ${era} client, negotiated ${client.getProtocolEra()}`);
  return client;
}

/**
 * 3. get_agent over Streamable HTTP on a real port: Flowyte's /mcp versus a bare createMcpHandler.
 * Each run uses a fresh client (one initialize, then `warmup + count` calls on it): the SDK's
 * 2025-era transport leaves one abort listener per request on its long-lived signal until GC, and
 * more than ~1,500 calls on one client trip Node's MaxListenersExceededWarning.
 */
export async function benchMcpHttp(platform: BenchPlatform, era: Era, options: SequentialOptions): Promise<Pair & { protocolVersion?: string }> {
  const full = await listen(platform.app.fetch);
  const bareApp = bareMcpHttpApp(platform.agentEnvelope.data);
  const bare = await listen(bareApp.app.fetch);
  const sides = {
    flowyte: { url: `${full.url}/mcp`, headers: { Authorization: `Bearer ${platform.key}` }, label: `flowyte http ${era}` },
    bare: { url: `${bare.url}/mcp`, headers: {}, label: `bare http ${era}` },
  };
  let protocolVersion: string | undefined;
  const run = (side: (typeof sides)[keyof typeof sides]) => async () => {
    const client = await httpClient(side.url, era, side.headers);
    try {
      protocolVersion = client.getNegotiatedProtocolVersion();
      checkAgent(await client.callTool({ name: 'get_agent', arguments: { id: platform.agentId } }), platform.agentId, side.label);
      return await callLoop(client, platform.agentId, side.label, options)();
    } finally {
      await client.close();
    }
  };
  try {
    const pair = await alternate(options.rounds, run(sides.bare), run(sides.flowyte));
    return { ...pair, protocolVersion };
  } finally {
    await bareApp.close();
    await Promise.all([full.close(), bare.close()]);
  }
}
