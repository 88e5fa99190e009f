/**
 * The conversation runtime: what one turn costs besides the model, and chat throughput.
 *
 *   overhead  engine.turn on the local model, minus the time spent inside the model itself
 *             (retrieval, the ai SDK loop, receipts, the SQLite writes of the turn)
 *   baseline  the same questions through a bare ai SDK loop: the same model, a search tool that
 *             returns canned passages, nothing stored
 *   REST      POST /chat/sessions/{id}/messages through the full app (auth, limits, audit,
 *             validation), concurrent, in process
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { stepCountIs, streamText, tool } from 'ai';
import type { LanguageModelV3, LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { z } from 'zod';
import { loadConfig } from '../src/config.ts';
import { createServices, type Logger } from '../src/services.ts';
import { createApp } from '../src/http/app.ts';
import { SECRET_KEY_SCOPES } from '../src/auth/scopes.ts';
import { createBackground } from '../src/runtime/background.ts';
import { ConversationEngine } from '../src/runtime/engine/conversations.ts';
import { LocalModel } from '../src/runtime/models/local-model.ts';
import { percentile } from './stats.ts';

export const RUNTIME_GOALS = { overheadP95Ms: 10 };

export interface RuntimePlan {
  warmup: number;
  turns: number;
  restTurns: number;
  concurrency: number;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface RuntimeReport {
  turns: number;
  total: Percentiles;
  model: Percentiles;
  overhead: Percentiles;
  bare: Percentiles;
  engineTurnsPerSecond: number;
  restTurnsPerSecond: number;
  restLatency: Percentiles;
  restConcurrency: number;
}

const quietLogger: Logger = { error: () => {}, info: () => {} };

const TOPICS = [
  'Our clinic is open Monday to Friday from 8am to 6pm and on Saturday from 9am to 1pm.',
  'A first consultation costs 60 dollars; follow-up visits cost 40 dollars.',
  'Parking is free in the lot behind the building, and the entrance is step-free.',
  'We accept all major insurance plans, including Delta Dental and MetLife.',
  'Emergency appointments are available the same day if you call before 10am.',
  'Teeth whitening takes about one hour and costs 250 dollars.',
  'Children under twelve are seen by Dr. Patel on Tuesday and Thursday afternoons.',
  'You can cancel or move an appointment free of charge up to 24 hours before it.',
];
const QUESTIONS = [
  'When are you open on Saturday?',
  'How much is a first consultation?',
  'Is there parking?',
  'Do you take Delta Dental insurance?',
  'Can I get an emergency appointment today?',
  'How long does teeth whitening take?',
  'Who sees children?',
  'Can I cancel my appointment?',
  'Do you repair cars?',
];

/** The local model, timing every call into it. */
class TimedModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3';
  readonly provider: string;
  readonly modelId: string;
  readonly supportedUrls = {};
  spentMs = 0;

  constructor(private readonly inner: LanguageModelV3) {
    this.provider = inner.provider;
    this.modelId = inner.modelId;
  }

  async doGenerate(options: LanguageModelV3CallOptions) {
    const started = performance.now();
    try {
      return await this.inner.doGenerate(options);
    } finally {
      this.spentMs += performance.now() - started;
    }
  }

  // The local model decides and enqueues its whole stream inside doStream, so this is its time.
  async doStream(options: LanguageModelV3CallOptions) {
    const started = performance.now();
    try {
      return await this.inner.doStream(options);
    } finally {
      this.spentMs += performance.now() - started;
    }
  }
}

function percentiles(values: number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}

/** Run the runtime benchmark on its own platform (SQLite on disk in a fresh temp dir). */
export async function benchRuntime(plan: RuntimePlan, log: (message: string) => void): Promise<RuntimeReport> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowyte-bench-runtime-'));
  const config = { ...loadConfig({ FLOWYTE_DATA_DIR: dataDir }), orgRateLimitPerMinute: 1e9, keyRateLimitPerMinute: 1e9 };
  const services = createServices(config, { logger: quietLogger });
  try {
    const app = createApp(services);
    const { org, apiKey } = services.credentials.bootstrapOrg('Bench Org', 'bench@example.com', SECRET_KEY_SCOPES);
    const headers = { Authorization: `Bearer ${apiKey.secret}`, 'Content-Type': 'application/json' };
    const call = async (method: string, url: string, payload?: unknown) => {
      const response = await app.request(`/api/v1${url}`, { method, headers, body: payload === undefined ? undefined : JSON.stringify(payload) });
      const json = (await response.json()) as { data: any };
      if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${JSON.stringify(json)}`);
      return json.data;
    };
    const agent = await call('POST', '/agents', { name: 'Bench clinic', greeting: 'Hello, Bright Smile dental clinic.', persona: { role: 'the front desk of a dental clinic' } });
    await call('POST', `/agents/${agent.id}/knowledge/sources`, { kind: 'text', label: 'Clinic facts', text: TOPICS.join('\n\n') });
    await createBackground(services).worker.drain();
    await call('POST', `/agents/${agent.id}/publish`, {});
    // Live replies are charged to the wallet (1 credit each): fund every turn the bench makes.
    await call('POST', '/billing/wallet/credit', { amountUsd: 10_000, reason: 'bench' });
    log('runtime: agent published');

    const timed = new TimedModel(new LocalModel());
    const engine = new ConversationEngine(services, timed);
    const served = engine.serve(org.id, agent.id, false);
    const total: number[] = [];
    const model: number[] = [];
    const overhead: number[] = [];
    let conversation = engine.start(served, { channel: 'chat', surface: 'session', greet: true }).conversation;
    const engineStarted = performance.now();
    for (let index = 0; index < plan.warmup + plan.turns; index += 1) {
      // A fresh conversation every ten turns keeps the history the model sees realistic.
      if (index % 10 === 0) conversation = engine.start(served, { channel: 'chat', surface: 'session', greet: true }).conversation;
      timed.spentMs = 0;
      const started = performance.now();
      await engine.turn(conversation, { text: QUESTIONS[index % QUESTIONS.length] });
      const elapsed = performance.now() - started;
      if (index < plan.warmup) continue;
      total.push(elapsed);
      model.push(timed.spentMs);
      overhead.push(elapsed - timed.spentMs);
    }
    const engineTurnsPerSecond = ((plan.warmup + plan.turns) / (performance.now() - engineStarted)) * 1000;
    log('runtime: engine turns');

    // Baseline: the bare ai SDK loop with the same model and a search tool with nothing behind it.
    const bareModel = new LocalModel();
    const passages = { passages: TOPICS.slice(0, 4).map((text, index) => ({ text, sourceId: 'ks_bench', score: 0.6 - index * 0.05 })) };
    const bare: number[] = [];
    for (let index = 0; index < plan.warmup + plan.turns; index += 1) {
      const started = performance.now();
      const result = streamText({
        model: bareModel,
        system: 'You are the front desk of a dental clinic.',
        messages: [{ role: 'user', content: QUESTIONS[index % QUESTIONS.length] }],
        tools: { search_knowledge: tool({ description: 'Search the knowledge base.', inputSchema: z.object({ query: z.string() }), execute: async () => passages }) },
        stopWhen: stepCountIs(6),
      });
      for await (const _part of result.fullStream) {
        // drain
      }
      if (index >= plan.warmup) bare.push(performance.now() - started);
    }
    log('runtime: bare ai SDK loop');

    // Chat throughput through the whole REST stack, `concurrency` sessions at once.
    const sessions = await Promise.all(Array.from({ length: plan.concurrency }, () => call('POST', '/chat/sessions', { agentId: agent.id })));
    const restLatencies: number[] = [];
    let sent = 0;
    const restStarted = performance.now();
    await Promise.all(
      sessions.map(async (session: { id: string }) => {
        while (sent < plan.restTurns) {
          const index = sent;
          sent += 1;
          const started = performance.now();
          await call('POST', `/chat/sessions/${session.id}/messages`, { content: QUESTIONS[index % QUESTIONS.length] });
          restLatencies.push(performance.now() - started);
        }
      }),
    );
    const restTurnsPerSecond = (plan.restTurns / (performance.now() - restStarted)) * 1000;
    log('runtime: REST chat throughput');

    return {
      turns: plan.turns,
      total: percentiles(total),
      model: percentiles(model),
      overhead: percentiles(overhead),
      bare: percentiles(bare),
      engineTurnsPerSecond,
      restTurnsPerSecond,
      restLatency: percentiles(restLatencies),
      restConcurrency: plan.concurrency,
    };
  } finally {
    services.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
