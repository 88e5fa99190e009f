import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createServices, type Services } from '../../src/services.ts';
import { createApp } from '../../src/http/app.ts';
import { createBackground } from '../../src/runtime/background.ts';
import { SECRET_KEY_SCOPES } from '../../src/auth/scopes.ts';
import { quietLogger } from '../helpers.ts';
import { startWebServer, type WebServer } from '../knowledge-helpers.ts';
import { killWorker, spawnWorker, until } from '../support/worker-child.ts';

let web: WebServer | undefined;
let services: Services | undefined;
afterEach(async () => {
  await web?.close();
  services?.close();
});

describe('durable ingestion jobs', () => {
  it('resume after the worker process is killed mid-ingestion, and end indexed with nothing half-written', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowyte-jobs-'));
    const env = { FLOWYTE_DATA_DIR: dataDir, FLOWYTE_ALLOW_PRIVATE_NETWORK: 'true', FLOWYTE_JOB_LEASE_MS: '800', FLOWYTE_JOB_POLL_MS: '50' };
    services = createServices(loadConfig(env), { logger: quietLogger });
    const app = createApp(services);
    const org = services.credentials.bootstrapOrg('Jobs', 'jobs@example.com', SECRET_KEY_SCOPES);
    const headers = { Authorization: `Bearer ${org.apiKey.secret}`, 'Content-Type': 'application/json' };
    const agent = (await (await app.request('/api/v1/agents', { method: 'POST', headers, body: JSON.stringify({ name: 'A' }) })).json()).data;
    web = await startWebServer();
    web.serve('/slow', { body: '<h1>Slow page</h1><p>It took a while, but here it is.</p>', delayMs: 60_000 });
    const source = (await (await app.request(`/api/v1/agents/${agent.id}/knowledge/sources`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ kind: 'url', label: 'Slow', url: `${web.url}/slow` }),
    })).json()).data;

    const child = spawnWorker(env);
    try {
      await until(() => web!.requests.includes('/slow'), 20_000);
    } finally {
      await killWorker(child);
    }
    const job = services.db.prepare("SELECT status, attempts FROM jobs WHERE subject_id = ?").get(source.id) as { status: string; attempts: number };
    expect(job).toEqual({ status: 'running', attempts: 1 });
    // The dead worker's last word stands until another takes the job over: processing, readable from this process.
    expect(services.knowledge.findSourceById(source.id)).toMatchObject({ status: 'processing', progress: { stage: 'extracting' } });

    // The page answers at once now; a new worker takes the job over once the dead one's lease lapses.
    web.serve('/slow', { body: '<h1>Slow page</h1><p>It took a while, but here it is.</p>' });
    const background = createBackground(services);
    expect(await background.worker.drain()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(await background.worker.drain()).toBe(1);
    const indexed = services.knowledge.findSourceById(source.id);
    expect(indexed).toMatchObject({ status: 'indexed', chunkCount: 1 });
    const count = (table: string) => services!.db.prepare(`SELECT count(*) FROM ${table} WHERE source_id = ?`).pluck().get(source.id);
    expect([count('knowledge_chunks'), count('knowledge_fts'), count('knowledge_vectors')]).toEqual([1, 1, 1]);
    expect(services.db.prepare('SELECT status, attempts FROM jobs WHERE subject_id = ?').get(source.id)).toEqual({ status: 'done', attempts: 2 });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);
});
