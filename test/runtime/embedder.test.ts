import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalEmbedder, OpenAiEmbedder } from '../../src/runtime/knowledge/embedder.ts';
import { loadConfig } from '../../src/config.ts';
import { createServices } from '../../src/services.ts';
import { quietLogger } from '../helpers.ts';

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let index = 0; index < a.length; index += 1) dot += a[index] * b[index];
  return dot;
}

describe('LocalEmbedder', () => {
  const embedder = new LocalEmbedder(384);

  it('is deterministic, unit-length and of the configured size', async () => {
    const [first, second] = await embedder.embed(['Boiler repair in Springfield', 'Boiler repair in Springfield']);
    expect(first).toHaveLength(384);
    expect(Array.from(first)).toEqual(Array.from(second));
    expect(cosine(first, first)).toBeCloseTo(1, 5);
  });

  it('puts related text closer than unrelated text, and folds case and accents', async () => {
    const [query, related, unrelated, accented] = await embedder.embed([
      'when do you open on saturday',
      'We open at 9am on Saturday and close at noon.',
      'Our invoices are payable within thirty days.',
      'WHEN DO YOU ÓPEN ON SATÚRDAY',
    ]);
    expect(cosine(query, related)).toBeGreaterThan(cosine(query, unrelated) + 0.1);
    expect(cosine(query, accented)).toBeCloseTo(1, 5);
  });
});

describe('OpenAiEmbedder', () => {
  let server: http.Server | undefined;
  afterEach(() => server?.close());

  async function startEmbeddingsServer(handler: (body: any) => unknown, status = 200): Promise<{ url: string; seen: any[] }> {
    const seen: any[] = [];
    server = http.createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk) => (raw += chunk));
      request.on('end', () => {
        const body = JSON.parse(raw);
        seen.push({ path: request.url, authorization: request.headers.authorization, body });
        response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(handler(body)));
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, seen };
  }

  it('speaks POST /embeddings as OpenAI documents it, and orders vectors by index', async () => {
    const { url, seen } = await startEmbeddingsServer((body) => ({
      object: 'list',
      model: body.model,
      // Out of order on purpose: the client must sort by index.
      data: (body.input as string[]).map((text, index) => ({ object: 'embedding', index, embedding: Array.from({ length: 4 }, (_, d) => text.length + d) })).reverse(),
      usage: { prompt_tokens: 3, total_tokens: 3 },
    }));
    const embedder = new OpenAiEmbedder({ baseUrl: url, apiKey: 'sk-test', model: 'text-embedding-3-small', dimensions: 4 });
    const vectors = await embedder.embed(['a', 'abc']);
    expect(vectors.map((vector) => Array.from(vector))).toEqual([[1, 2, 3, 4], [3, 4, 5, 6]]);
    expect(seen[0]).toEqual({
      path: '/v1/embeddings',
      authorization: 'Bearer sk-test',
      body: { model: 'text-embedding-3-small', input: ['a', 'abc'], dimensions: 4, encoding_format: 'float' },
    });
  });

  it('fails clearly on an error status or vectors of the wrong size', async () => {
    const failing = await startEmbeddingsServer(() => ({ error: { message: 'bad key' } }), 401);
    await expect(new OpenAiEmbedder({ baseUrl: failing.url, model: 'm', dimensions: 4 }).embed(['x'])).rejects.toThrow(/answered 401/);
    server?.close();
    const wrong = await startEmbeddingsServer(() => ({ data: [{ index: 0, embedding: [1, 2] }] }));
    await expect(new OpenAiEmbedder({ baseUrl: wrong.url, model: 'm', dimensions: 4 }).embed(['x'])).rejects.toThrow(/wrong size/);
  });
});

describe('the embedder setting', () => {
  it('refuses to start on an index built with another embedder', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowyte-embedder-'));
    createServices(loadConfig({ FLOWYTE_DATA_DIR: dataDir }), { logger: quietLogger }).close();
    expect(() => createServices(loadConfig({ FLOWYTE_DATA_DIR: dataDir, FLOWYTE_EMBEDDING_DIMENSIONS: '512' }), { logger: quietLogger })).toThrow(
      /built with local-hashed-ngrams-v1\/384/,
    );
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
