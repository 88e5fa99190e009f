/**
 * Flowyte benchmarks, all in one process: `npm run bench`.
 *
 *   1. REST   GET /api/v1/agents/{id}, full stack vs a bare Hono route, concurrent load over loopback
 *   2. MCP    tools/call get_agent over an InMemoryTransport pair, Flowyte vs a bare McpServer
 *   3. MCP    the same call over Streamable HTTP on a real port, Flowyte /mcp vs a bare createMcpHandler
 *   4. Knowledge  ingestion throughput, and hybrid retrieval at 10k and 100k chunks in one agent
 *   5. Runtime    per-turn orchestration overhead on the local model, and chat throughput over REST
 *   6. Start-up   the compiled CLI: --help, serve → first 200, mcp → initialize, idle RSS, beside `node -e 0`
 *
 * Counts scale with BENCH_SCALE (default 1; e.g. 0.2 for a quick smoke run). BENCH_ONLY=api,
 * BENCH_ONLY=knowledge, BENCH_ONLY=runtime or BENCH_ONLY=startup runs one part (default: all). Goals are reported, never asserted: the exit
 * code is 0 on a miss.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createBenchPlatform } from './platform.ts';
import { LoadGenerator } from './load.ts';
import { benchMcpHttp, benchMcpInMemory, benchRest, type Pair } from './scenarios.ts';
import { componentCosts } from './components.ts';
import { ms, ratio, rps, table, type Summary } from './stats.ts';
import { benchKnowledge, knowledgeGoals, knowledgeReport } from './knowledge.ts';
import { benchRuntime, RUNTIME_GOALS } from './runtime.ts';
import { benchStartup, startupGoals, startupReport } from './startup.ts';

const GOALS = { restRatio: 0.4, mcpInMemoryP50Ms: 1 };

const scale = Number(process.env.BENCH_SCALE ?? '1');
if (!(scale > 0)) throw new Error(`BENCH_SCALE must be a positive number, got ${process.env.BENCH_SCALE}`);
const n = (count: number) => Math.max(20, Math.round(count * scale));
const PLAN = {
  rest: { warmup: n(1000), count: n(8000), concurrency: 16, rounds: 3, latencyCount: n(3000) },
  mcpInMemory: { warmup: n(500), count: n(5000), rounds: 2 },
  mcpHttp: { warmup: n(200), count: n(1200), rounds: 2 },
  components: n(3000),
  knowledge: { ingestSources: n(40), sizes: [n(10_000), n(100_000)], queries: 100, warmup: 10, toolCalls: 20 },
  runtime: { warmup: n(100), turns: n(2000), restTurns: n(2000), concurrency: 8 },
  // Odd, for a median; BENCH_SCALE does not shrink it below 3.
  startup: { rounds: Math.max(3, Math.round(5 * scale) | 1), settleMs: 1500 },
};
const only = process.env.BENCH_ONLY ?? '';
if (!['', 'api', 'knowledge', 'runtime', 'startup'].includes(only)) throw new Error(`BENCH_ONLY must be api, knowledge, runtime or startup, got ${only}`);
const runApi = only === '' || only === 'api';
const runKnowledge = only === '' || only === 'knowledge';
const runRuntime = only === '' || only === 'runtime';
const runStartup = only === '' || only === 'startup';

const started = performance.now();
const log = (message: string) => process.stderr.write(`… ${message} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);

const cpus = os.cpus();
console.log(`Flowyte benchmarks — node ${process.version}, ${os.platform()}/${os.arch()}, ${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}`);
if (runApi) {
  console.log(
    `REST: ${PLAN.rest.count} requests after ${PLAN.rest.warmup} warm-up over ${PLAN.rest.concurrency} concurrent keep-alive connections (and ${PLAN.rest.latencyCount} over 1), load generator on a worker thread. ` +
      `MCP: ${PLAN.mcpInMemory.count} (in-process) / ${PLAN.mcpHttp.count} (HTTP) sequential calls after warm-up. ` +
      `Each side run ${PLAN.rest.rounds}× (REST) / ${PLAN.mcpInMemory.rounds}× (MCP) in ABBA order; the best run of each is shown.\n`,
  );
}

async function apiBenchmarks(): Promise<void> {
  const platform = await createBenchPlatform();
  const load = new LoadGenerator();
  let rest: { loaded: Pair; single: Pair }, mcpMemory: Pair, mcpHttpLegacy: Pair & { protocolVersion?: string }, mcpHttpModern: Pair & { protocolVersion?: string };
  let components: Awaited<ReturnType<typeof componentCosts>>;
  try {
    log('1/4 REST over HTTP');
    rest = await benchRest(platform, load, PLAN.rest);
    log('2/4 MCP in-process');
    mcpMemory = await benchMcpInMemory(platform, PLAN.mcpInMemory);
    log('3/4 MCP over Streamable HTTP (2025-era client, stateless fallback)');
    mcpHttpLegacy = await benchMcpHttp(platform, 'legacy', PLAN.mcpHttp);
    log('3/4 MCP over Streamable HTTP (modern-era client)');
    mcpHttpModern = await benchMcpHttp(platform, 'modern', PLAN.mcpHttp);
    log('4/4 component costs');
    components = await componentCosts(platform, PLAN.components);
    log('done');
  } finally {
    await load.close();
    platform.close();
  }

  const signed = (delta: number) => `${delta < 0 ? '−' : '+'}${ms(Math.abs(delta))}`;
  const elu = (summary: Summary) => (summary.serverElu === undefined ? '' : `${Math.round(summary.serverElu * 100)}%`);
  const row = (label: string, side: string, summary: Summary) => [label, side, String(summary.count), rps(summary.rps), ms(summary.p50), ms(summary.p99), elu(summary)];
  const pairRows = (label: string, pair: Pair, subject = 'Flowyte', baseline = 'bare') => [
    row(label, baseline, pair.baseline),
    row('', subject, pair.subject),
    ['', 'ratio / added', '', `×${ratio(pair.subject.rps / pair.baseline.rps)}`, signed(pair.subject.p50 - pair.baseline.p50), signed(pair.subject.p99 - pair.baseline.p99), ''],
  ];

  console.log(
    table([
      ['Benchmark', 'Side', 'Requests', 'Throughput', 'p50', 'p99', 'Main-thread busy'],
      ...pairRows('1. REST GET /api/v1/agents/{id}', rest.loaded),
      ...pairRows(`   same, 1 connection (no queueing)`, rest.single),
      ...pairRows('2. MCP get_agent, in-process', mcpMemory),
      ...pairRows(`3. MCP get_agent, HTTP (${mcpHttpLegacy.protocolVersion})`, mcpHttpLegacy),
      ...pairRows(`   MCP get_agent, HTTP (${mcpHttpModern.protocolVersion})`, mcpHttpModern),
    ]),
  );
  console.log(
    '\nratio = Flowyte throughput ÷ bare throughput; added = Flowyte − bare latency. "Main-thread busy" is the event-loop\n' +
      'utilisation of the server thread during REST runs: near 100% means the server, not the load generator, was the limit;\n' +
      'well below it means the bare baseline was client-bound, so its true capacity (and the gap) is larger than shown.\n' +
      'MCP runs are sequential with the client on the same thread: their latency includes the client SDK on both sides.',
  );

  const runsLine = (label: string, pair: Pair) =>
    `  ${label}: ${pair.runs.map((run) => `${run.which === 'subject' ? 'Flowyte' : 'bare'} ${rps(run.summary.rps)}`).join(', ')}`;
  console.log('\nAll runs in order (throughput):');
  console.log(runsLine('REST', rest.loaded));
  console.log(runsLine('REST 1 connection', rest.single));
  console.log(runsLine('MCP in-process', mcpMemory));
  console.log(runsLine('MCP HTTP 2025', mcpHttpLegacy));
  console.log(runsLine('MCP HTTP modern', mcpHttpModern));

  console.log('\nWhere the time goes (pieces of one get_agent, each timed alone in a loop on the on-disk store):');
  const us = (value: number) => value.toFixed(1);
  console.log(
    table([
      ['Component', 'p50 µs', 'p99 µs', 'max µs', '>1 ms per 10k'],
      ...components.map((c) => [c.name, us(c.p50), us(c.p99), us(c.max), c.stallsPer10k.toFixed(1)]),
    ]),
  );

  const restRatio = rest.loaded.subject.rps / rest.loaded.baseline.rps;
  const mcpP50 = mcpMemory.subject.p50;
  console.log('');
  console.log(`GOAL REST throughput ratio full/bare ≥ ${GOALS.restRatio}: measured ${ratio(restRatio)} → ${restRatio >= GOALS.restRatio ? 'PASS' : 'MISS'}`);
  console.log(`GOAL MCP in-process Flowyte get_agent p50 ≤ ${GOALS.mcpInMemoryP50Ms} ms: measured ${ms(mcpP50)} → ${mcpP50 <= GOALS.mcpInMemoryP50Ms ? 'PASS' : 'MISS'}`);
}

if (runApi) await apiBenchmarks();

if (runKnowledge) {
  const report = await benchKnowledge(PLAN.knowledge, log);
  console.log(`\n${knowledgeReport(report)}\n`);
  for (const line of knowledgeGoals(report)) console.log(line);
  console.log(`Knowledge section ${(report.totalMs / 1000).toFixed(1)} s.`);
}
if (runRuntime) {
  const report = await benchRuntime(PLAN.runtime, log);
  console.log(
    `\nRuntime: ${report.turns} turns of a published agent with text knowledge on the local model (SQLite on disk), questions cycling through 9 (8 answerable, 1 not):\n` +
      table([
        ['Per turn', 'p50', 'p95', 'p99'],
        ...(
          [
            ['whole engine turn', report.total],
            ['  inside the model', report.model],
            ['  overhead (turn − model)', report.overhead],
            ['bare ai SDK loop, same model, canned search', report.bare],
            [`REST send message, ${report.restConcurrency} sessions at once`, report.restLatency],
          ] as const
        ).map(([label, p]) => [label, ms(p.p50), ms(p.p95), ms(p.p99)]),
      ]),
  );
  console.log(`Engine turns/s (sequential): ${rps(report.engineTurnsPerSecond)}; REST chat turns/s (${report.restConcurrency} concurrent sessions): ${rps(report.restTurnsPerSecond)}`);
  console.log(`Ratio whole engine turn ÷ bare ai SDK loop (p50): ×${ratio(report.total.p50 / report.bare.p50)}`);
  const overheadP95 = report.overhead.p95;
  console.log(`GOAL per-turn orchestration overhead p95 ≤ ${RUNTIME_GOALS.overheadP95Ms} ms: measured ${ms(overheadP95)} → ${overheadP95 <= RUNTIME_GOALS.overheadP95Ms ? 'PASS' : 'MISS'}`);
}
if (runStartup) {
  const report = await benchStartup(PLAN.startup, log);
  console.log(`\n${startupReport(report, PLAN.startup.rounds)}\n`);
  for (const line of startupGoals(report)) console.log(line);
}
console.log(`\nTotal time ${((performance.now() - started) / 1000).toFixed(1)} s.`);
// Keep-alive sockets of the MCP clients' fetch may linger; the report is complete, so leave now.
process.exit(0);
