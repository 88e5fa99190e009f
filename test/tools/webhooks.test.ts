import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { body, createPlatform, quietLogger, type Platform } from '../helpers.ts';
import { createBackground, type Background } from '../../src/runtime/background.ts';
import { loadConfig } from '../../src/config.ts';
import { createServices } from '../../src/services.ts';
import { createApp } from '../../src/http/app.ts';
import { SECRET_KEY_SCOPES } from '../../src/auth/scopes.ts';
import { startWebhookServer } from '../support/webhook-server.ts';
import { killWorker, spawnWorker, until } from '../support/worker-child.ts';

interface Received {
  id: string;
  timestamp: number;
  payload: any;
  /** Whether the standardwebhooks package (an independent implementation) accepted the signature. */
  verified: boolean;
}

interface Receiver {
  url: string;
  received: Received[];
  /** Answers for the next requests, in order; 200 once they run out. */
  answers: { status: number; headers?: Record<string, string> }[];
  /** The secret deliveries are verified with. */
  secret: string;
  close(): Promise<void>;
}

/** A real receiver on 127.0.0.1 that verifies every request with the standardwebhooks package. */
async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = { url: '', received: [], answers: [], secret: '', close: async () => {} };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
      let verified = true;
      try {
        new Webhook(receiver.secret).verify(raw, headers);
      } catch {
        verified = false;
      }
      receiver.received.push({ id: headers['webhook-id'], timestamp: Number(headers['webhook-timestamp']), payload: JSON.parse(raw), verified });
      const answer = receiver.answers.shift() ?? { status: 200 };
      response.writeHead(answer.status, answer.headers).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  receiver.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

let platform: Platform | undefined;
let background: Background | undefined;
let receiver: Receiver | undefined;
let clock = Date.now();

afterEach(async () => {
  await background?.stop();
  platform?.close();
  await receiver?.close();
  platform = background = receiver = undefined;
});

/** A platform on a controlled clock (starting now, so signatures are within the verifier's tolerance), a worker, a receiver. */
async function setUp(events: string[] = ['agent.published', 'conversation.completed']) {
  clock = Date.now();
  platform = createPlatform({ allowPrivateNetwork: true }, undefined, () => new Date(clock));
  background = createBackground(platform.services);
  receiver = await startReceiver();
  const response = await platform.request('POST', '/webhooks', { body: { url: receiver.url, events, description: 'CRM sync' } });
  expect(response.status).toBe(201);
  const endpoint = (await body(response)).data;
  receiver.secret = endpoint.secret;
  return { platform, worker: background.worker, receiver, endpoint };
}

async function deliveries(chat: Platform, endpointId: string): Promise<any[]> {
  const response = await chat.request('GET', `/webhooks/${endpointId}/deliveries`);
  expect(response.status).toBe(200);
  return (await body(response)).data;
}

async function sendTest(chat: Platform, endpointId: string): Promise<any> {
  const response = await chat.request('POST', `/webhooks/${endpointId}/test`);
  expect(response.status).toBe(202);
  return (await body(response)).data;
}

describe('create_webhook_endpoint', () => {
  it('returns a Standard Webhooks secret once and never again', async () => {
    const { platform: chat, endpoint } = await setUp();
    expect(endpoint).toMatchObject({ events: ['agent.published', 'conversation.completed'], status: 'enabled', description: 'CRM sync', disabledReason: null });
    expect(endpoint.id).toMatch(/^whep_/);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(endpoint.secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    const reads = [
      await chat.request('GET', `/webhooks/${endpoint.id}`),
      await chat.request('GET', '/webhooks'),
      await chat.request('PATCH', `/webhooks/${endpoint.id}`, { body: { description: 'Renamed' } }),
      await chat.request('GET', `/webhooks/${endpoint.id}/deliveries`),
      await chat.request('POST', `/webhooks/${endpoint.id}/test`),
    ];
    for (const response of reads) {
      const text = await response.text();
      expect(response.ok).toBe(true);
      expect(text).not.toContain(endpoint.secret.slice('whsec_'.length, 20));
      expect(text).not.toContain('"secret"');
    }
  });

  it('refuses private, loopback and plain-http URLs without the local-development switch', async () => {
    platform = createPlatform();
    for (const url of ['https://127.0.0.1/hooks', 'https://10.1.2.3/hooks', 'https://[::1]/hooks', 'https://169.254.169.254/latest', 'https://localhost/hooks', 'http://hooks.example.com/flowyte']) {
      const response = await platform.request('POST', '/webhooks', { body: { url, events: ['agent.published'] } });
      expect(response.status, url).toBe(422);
      expect((await body(response)).code).toBe('url_not_allowed');
    }
    const allowed = await platform.request('POST', '/webhooks', { body: { url: 'https://hooks.example.com/flowyte', events: ['agent.published'] } });
    expect(allowed.status).toBe(201);
    const id = (await body(allowed)).data.id;
    const moved = await platform.request('PATCH', `/webhooks/${id}`, { body: { url: 'https://192.168.0.10/hooks' } });
    expect(moved.status).toBe(422);
  });

  it('refuses an event type outside the catalog', async () => {
    platform = createPlatform();
    const response = await platform.request('POST', '/webhooks', { body: { url: 'https://hooks.example.com/x', events: ['agent.exploded'] } });
    expect(response.status).toBe(400);
    expect((await body(response)).code).toBe('validation_error');
  });
});

describe('webhook delivery', () => {
  it('delivers agent.published, signed so that an independent verifier accepts it', async () => {
    const { platform: chat, worker, receiver: hooks, endpoint } = await setUp();
    const agent = (await body(await chat.request('POST', '/agents', { body: { name: 'Tony\'s Pizza' } }))).data;
    const version = (await body(await chat.request('POST', `/agents/${agent.id}/publish`, { body: { note: 'First menu' } }))).data;
    expect(await worker.drain()).toBe(1);
    expect(hooks.received).toHaveLength(1);
    const [delivered] = hooks.received;
    expect(delivered.verified).toBe(true);
    expect(delivered.timestamp).toBe(Math.floor(clock / 1000));
    expect(delivered.payload).toEqual({
      type: 'agent.published',
      timestamp: new Date(clock).toISOString(),
      data: { agentId: agent.id, versionId: version.id, number: 1, note: 'First menu' },
    });
    const [delivery] = await deliveries(chat, endpoint.id);
    expect(delivery).toMatchObject({ id: delivered.id, endpointId: endpoint.id, eventType: 'agent.published', status: 'succeeded', nextRetryAt: null });
    expect(delivery.attempts).toEqual([{ number: 1, statusCode: 200, error: null, durationMs: expect.any(Number), attemptedAt: new Date(clock).toISOString() }]);
  });

  it('a wrong secret fails the independent verifier (the check is real)', async () => {
    const { platform: chat, worker, receiver: hooks, endpoint } = await setUp();
    hooks.secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    await sendTest(chat, endpoint.id);
    await worker.drain();
    expect(hooks.received.map((request) => request.verified)).toEqual([false]);
  });

  it('delivers conversation.completed when a live chat ends', async () => {
    const { platform: chat, worker, receiver: hooks } = await setUp(['conversation.completed']);
    const agent = (await body(await chat.request('POST', '/agents', { body: { name: 'Front desk' } }))).data;
    await chat.request('POST', `/agents/${agent.id}/publish`, { body: {} });
    await chat.request('POST', '/billing/wallet/credit', { body: { amountUsd: 5 } });
    const session = (await body(await chat.request('POST', '/chat/sessions', { body: { agentId: agent.id } }))).data;
    expect((await chat.request('POST', `/chat/sessions/${session.id}/end`)).status).toBe(200);
    await worker.drain();
    expect(hooks.received).toHaveLength(1);
    expect(hooks.received[0].verified).toBe(true);
    expect(hooks.received[0].payload.type).toBe('conversation.completed');
    expect(hooks.received[0].payload.data).toMatchObject({ conversationId: session.id, agentId: agent.id, channel: 'chat' });
  });

  it('retries a 500 after 5 seconds with the same webhook-id and records both attempts', async () => {
    const { platform: chat, worker, receiver: hooks, endpoint } = await setUp();
    hooks.answers.push({ status: 500 });
    const queued = await sendTest(chat, endpoint.id);
    expect(queued).toMatchObject({ eventType: 'webhook.test', status: 'pending', attempts: [] });
    const first = clock;
    await worker.drain();
    let [delivery] = await deliveries(chat, endpoint.id);
    expect(delivery).toMatchObject({ status: 'pending', nextRetryAt: new Date(first + 5_000).toISOString() });
    clock += 4_999;
    expect(await worker.drain()).toBe(0);
    clock += 1;
    expect(await worker.drain()).toBe(1);
    [delivery] = await deliveries(chat, endpoint.id);
    expect(hooks.received.map((request) => [request.id, request.timestamp, request.verified])).toEqual([
      [queued.id, Math.floor(first / 1000), true],
      [queued.id, Math.floor((first + 5_000) / 1000), true],
    ]);
    expect(delivery.status).toBe('succeeded');
    expect(delivery.nextRetryAt).toBeNull();
    expect(delivery.attempts.map(({ number, statusCode, error }: any) => ({ number, statusCode, error }))).toEqual([
      { number: 1, statusCode: 500, error: 'HTTP 500' },
      { number: 2, statusCode: 200, error: null },
    ]);
  });

  it('disables the endpoint when the receiver answers 410 Gone', async () => {
    const { platform: chat, worker, receiver: hooks, endpoint } = await setUp();
    hooks.answers.push({ status: 410 });
    await sendTest(chat, endpoint.id);
    await worker.drain();
    const current = (await body(await chat.request('GET', `/webhooks/${endpoint.id}`))).data;
    expect(current).toMatchObject({ status: 'disabled', disabledReason: 'The receiver answered 410 Gone' });
    const [delivery] = await deliveries(chat, endpoint.id);
    expect(delivery).toMatchObject({ status: 'failed', nextRetryAt: null });
    expect(delivery.attempts).toHaveLength(1);
    // A disabled endpoint is sent nothing more.
    const agent = (await body(await chat.request('POST', '/agents', { body: { name: 'Quiet' } }))).data;
    await chat.request('POST', `/agents/${agent.id}/publish`, { body: {} });
    clock += 3_600_000;
    await worker.drain();
    expect(hooks.received).toHaveLength(1);
    expect(await deliveries(chat, endpoint.id)).toHaveLength(1);
    // Enabling it again clears the reason.
    const enabled = (await body(await chat.request('PATCH', `/webhooks/${endpoint.id}`, { body: { status: 'enabled' } }))).data;
    expect(enabled).toMatchObject({ status: 'enabled', disabledReason: null });
  });

  it('honours Retry-After on a 429', async () => {
    const { platform: chat, worker, receiver: hooks, endpoint } = await setUp();
    hooks.answers.push({ status: 429, headers: { 'Retry-After': '120' } });
    await sendTest(chat, endpoint.id);
    const first = clock;
    await worker.drain();
    const [delivery] = await deliveries(chat, endpoint.id);
    expect(delivery).toMatchObject({ status: 'pending', nextRetryAt: new Date(first + 120_000).toISOString() });
    expect(delivery.attempts.map((attempt: any) => attempt.statusCode)).toEqual([429]);
    clock += 119_999;
    expect(await worker.drain()).toBe(0);
    clock += 1;
    expect(await worker.drain()).toBe(1);
    expect(hooks.received.map((request) => request.verified)).toEqual([true, true]);
    expect((await deliveries(chat, endpoint.id))[0].status).toBe('succeeded');
  });

  it('gives up after the last scheduled retry', async () => {
    const { platform: chat, worker, receiver: hooks, endpoint } = await setUp();
    hooks.answers.push(...Array.from({ length: 7 }, () => ({ status: 500 })));
    await sendTest(chat, endpoint.id);
    await worker.drain();
    for (const wait of [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000]) {
      clock += wait;
      expect(await worker.drain()).toBe(1);
    }
    clock += 100 * 3_600_000;
    expect(await worker.drain()).toBe(0);
    const [delivery] = await deliveries(chat, endpoint.id);
    expect(delivery).toMatchObject({ status: 'failed', nextRetryAt: null });
    expect(delivery.attempts).toHaveLength(7);
    expect(hooks.received).toHaveLength(7);
  });
});

describe('webhook delivery across a killed worker', () => {
  it('loses nothing when the worker process is killed mid-delivery: another worker finishes it with the same webhook-id', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowyte-webhooks-'));
    const env = {
      FLOWYTE_DATA_DIR: dataDir,
      FLOWYTE_ALLOW_PRIVATE_NETWORK: 'true',
      FLOWYTE_JOB_LEASE_MS: '1000',
      FLOWYTE_JOB_POLL_MS: '50',
      // The first retry comes 50 ms after the first attempt instead of 5 s.
      FLOWYTE_WEBHOOK_RETRY_SCALE: '0.01',
    };
    const services = createServices(loadConfig(env), { logger: quietLogger });
    const hooks = await startWebhookServer();
    let background: Background | undefined;
    try {
      const app = createApp(services);
      const org = services.credentials.bootstrapOrg('Hooks', 'hooks@example.com', SECRET_KEY_SCOPES);
      const call = async (method: string, url: string, payload?: unknown) =>
        (await (await app.request(`/api/v1${url}`, { method, headers: { Authorization: `Bearer ${org.apiKey.secret}`, 'Content-Type': 'application/json' }, body: payload === undefined ? undefined : JSON.stringify(payload) })).json()).data;
      const endpoint = await call('POST', '/webhooks', { url: `${hooks.url}/hooks`, events: ['agent.published'] });
      // Attempt 1 gets a 500; attempt 2 hangs, and its worker is killed while waiting; attempt 3 gets a 200.
      hooks.answer(() => (hooks.received.length === 1 ? { status: 500 } : hooks.received.length === 2 ? { delayMs: 60_000 } : {}));
      const queued = await call('POST', `/webhooks/${endpoint.id}/test`);

      const child = spawnWorker(env);
      try {
        await until(() => hooks.received.length === 2, 20_000);
      } finally {
        await killWorker(child);
      }
      const job = () => services.db.prepare('SELECT status, attempts FROM jobs WHERE subject_id = ?').get(queued.id);
      expect(job()).toEqual({ status: 'running', attempts: 2 });

      // A new worker takes the delivery over once the dead one's lease lapses.
      background = createBackground(services);
      background.start();
      await until(() => services.webhooks.findDelivery(queued.id)?.status === 'succeeded', 20_000);

      expect(hooks.received.map((request) => request.headers['webhook-id'])).toEqual([queued.id, queued.id, queued.id]);
      for (const request of hooks.received) {
        expect(() => new Webhook(endpoint.secret).verify(request.raw, request.headers as Record<string, string>)).not.toThrow();
      }
      expect(hooks.received[2].body).toMatchObject({ type: 'webhook.test' });
      const [delivery] = await call('GET', `/webhooks/${endpoint.id}/deliveries`);
      expect(delivery).toMatchObject({ id: queued.id, status: 'succeeded', nextRetryAt: null });
      // The killed attempt never got an answer to record.
      expect(delivery.attempts.map(({ number, statusCode }: any) => [number, statusCode])).toEqual([[1, 500], [2, 200]]);
      expect(job()).toEqual({ status: 'done', attempts: 3 });
    } finally {
      await background?.stop();
      services.close();
      await hooks.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('webhook endpoints across orgs', () => {
  it('answers 404 for another org\'s endpoint on every operation', async () => {
    const { platform: chat, endpoint } = await setUp();
    const token = chat.orgB.apiKey.secret;
    const calls: [string, string, unknown?][] = [
      ['GET', `/webhooks/${endpoint.id}`],
      ['PATCH', `/webhooks/${endpoint.id}`, { status: 'disabled' }],
      ['DELETE', `/webhooks/${endpoint.id}`],
      ['GET', `/webhooks/${endpoint.id}/deliveries`],
      ['POST', `/webhooks/${endpoint.id}/test`],
    ];
    for (const [method, path, payload] of calls) {
      const response = await chat.request(method, path, { token, body: payload });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect((await body(response)).code).toBe('not_found');
    }
    expect((await body(await chat.request('GET', '/webhooks', { token }))).data).toEqual([]);
    expect((await body(await chat.request('GET', `/webhooks/${endpoint.id}`))).data.status).toBe('enabled');
  });

  it('deletes an endpoint and its deliveries', async () => {
    const { platform: chat, worker, receiver: hooks, endpoint } = await setUp();
    await sendTest(chat, endpoint.id);
    const response = await chat.request('DELETE', `/webhooks/${endpoint.id}`);
    expect(await body(response)).toMatchObject({ data: { id: endpoint.id, deleted: true } });
    await worker.drain();
    expect(hooks.received).toHaveLength(0);
    expect((await chat.request('GET', `/webhooks/${endpoint.id}`)).status).toBe(404);
  });
});
