/**
 * Where the time of one get_agent goes: the pieces of the pipeline timed in isolation, to explain
 * the gap between the full stack and the bare baselines (not a goal, just a breakdown).
 */
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { TOOLS } from '../src/tools/index.ts';
import { getAgent } from '../src/tools/agents/crud.ts';
import { presentAgent } from '../src/tools/agents/present.ts';
import { invokeTool } from '../src/tools/invoke.ts';
import { resolveActor } from '../src/auth/actor.ts';
import { hashToken } from '../src/auth/tokens.ts';
import { buildMcpServer } from '../src/mcp/server.ts';
import { DEFAULT_MCP_OPTIONS } from '../src/mcp/selection.ts';
import type { BenchPlatform } from './platform.ts';
import { percentile } from './stats.ts';

export interface Component {
  name: string;
  /** Per call, in µs. */
  p50: number;
  p99: number;
  max: number;
  /** Calls slower than 1 ms (event-loop stalls), per 10,000. */
  stallsPer10k: number;
}

async function time(name: string, iterations: number, op: () => unknown): Promise<Component> {
  for (let i = 0; i < Math.min(200, iterations); i++) await op();
  const latencies = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    await op();
    latencies[i] = (performance.now() - started) * 1000;
  }
  latencies.sort();
  const stalls = latencies.filter((value) => value > 1000).length;
  return {
    name,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1],
    stallsPer10k: (stalls / iterations) * 10_000,
  };
}

export async function componentCosts(platform: BenchPlatform, iterations: number): Promise<Component[]> {
  const { services, key, agentId } = platform;
  const authorization = `Bearer ${key}`;
  const actor = resolveActor(services.credentials, authorization);
  const orgId = actor.orgId;
  const record = services.agents.find(orgId, agentId)!;
  const presented = presentAgent(services, record);
  const invocation = { actor, services, requestId: 'bench' };
  const audit = {
    actorType: actor.type,
    actorId: actor.id,
    via: 'rest',
    method: 'GET',
    endpoint: `/api/v1/agents/${agentId}`,
    status: 200,
    durationMs: 0.5,
    requestId: randomUUID(),
  };
  return [
    await time('hashToken (SHA-256 of the key)', iterations, () => hashToken(key)),
    await time('resolveActor (hash + api_keys lookup)', iterations, () => resolveActor(services.credentials, authorization)),
    await time('credentials.findOrg', iterations, () => services.credentials.findOrg(orgId)),
    await time('agents.find + presentAgent', iterations, () => presentAgent(services, services.agents.find(orgId, agentId)!)),
    await time('get_agent output schema parse', iterations, () => getAgent.output.safeParse(presented)),
    await time('audit.record (queued; batched INSERT)', iterations * 4, () => services.audit.record(orgId, audit)),
    await time('invokeTool(get_agent) total', iterations, () => invokeTool(getAgent, { id: agentId }, invocation)),
    await time('buildMcpServer (per 2026 HTTP request, per 2025 session)', iterations, () =>
      buildMcpServer({ tools: TOOLS, services, actor, options: DEFAULT_MCP_OPTIONS }),
    ),
  ];
}
