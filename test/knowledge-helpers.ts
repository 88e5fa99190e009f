/** Fixtures for knowledge tests: a platform with a worker, an agent, and a local web server. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { body, createPlatform, type Platform } from './helpers.ts';
import { createBackground, type Background } from '../src/runtime/background.ts';
import type { Config } from '../src/config.ts';
import { makePdf } from './fixtures/documents.ts';

export interface KnowledgePlatform extends Platform {
  background: Background;
  agentId: string;
  /** Add a source over REST and return it. */
  addSource(fields: Record<string, unknown>, agentId?: string): Promise<any>;
  /** Get a source over REST; `include: 'content'` asks for its full text too. */
  getSource(id: string, options?: { agentId?: string; include?: 'content' }): Promise<any>;
  /** Upload a document and add it as a file source; returns the source. */
  addFile(filename: string, contentType: string, bytes: Buffer): Promise<any>;
  /**
   * Hold the next embedding call until `release()`, so that a test can look at a source
   * mid-ingestion (the job stays at its first embedding batch); later calls run as usual.
   */
  holdEmbedding(): { release(): void };
  /** Work every queued job now. */
  drain(): Promise<number>;
}

/** A PDF of `pages` pages, each full of distinct sentences: many passages, several embedding batches. */
export function makeBookPdf(pages: number): Promise<Buffer> {
  const page = (number: number) =>
    Array.from({ length: 30 }, (_, line) => `Page ${number} line ${line}: the boiler manual explains step ${number * 100 + line} of the service.`);
  return makePdf(Array.from({ length: pages }, (_, index) => page(index + 1)), 'Boiler manual');
}

export async function createKnowledgePlatform(overrides: Partial<Config> = {}, now?: () => Date): Promise<KnowledgePlatform> {
  const platform = createPlatform({ allowPrivateNetwork: true, ...overrides }, undefined, now);
  const background = createBackground(platform.services);
  const agent = (await body(await platform.request('POST', '/agents', { body: { name: 'Knowing agent' } }))).data;
  const addSource = async (fields: Record<string, unknown>, agentId: string = agent.id) => {
    const response = await platform.request('POST', `/agents/${agentId}/knowledge/sources`, { body: fields });
    const json = await body(response);
    if (response.status !== 201) throw new Error(`adding a source failed: ${response.status} ${JSON.stringify(json)}`);
    return json.data;
  };
  return {
    ...platform,
    background,
    agentId: agent.id,
    addSource,
    async getSource(id, { agentId = agent.id, include }: { agentId?: string; include?: 'content' } = {}) {
      const query = include ? `?include=${include}` : '';
      return (await body(await platform.request('GET', `/agents/${agentId}/knowledge/sources/${id}${query}`))).data;
    },
    async addFile(filename, contentType, bytes) {
      const upload = await platform.request('POST', '/uploads', { body: { filename, contentType, contentBase64: bytes.toString('base64') } });
      if (upload.status !== 201) throw new Error(`uploading failed: ${upload.status}`);
      return addSource({ kind: 'file', label: filename, file_id: (await body(upload)).data.file_id });
    },
    holdEmbedding() {
      const { embedder } = platform.services;
      const embed = embedder.embed.bind(embedder);
      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      embedder.embed = async (texts) => {
        embedder.embed = embed;
        await released;
        return embed(texts);
      };
      return { release };
    },
    drain: () => background.worker.drain(),
    /** Stop the worker, then close the platform. */
    close: () => {
      void background.stop();
      platform.close();
    },
  };
}

export interface WebServer {
  url: string;
  requests: string[];
  /** Replace what a path serves. */
  serve(path: string, response: { status?: number; type?: string; body: string | Buffer; location?: string; delayMs?: number }): void;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 serving whatever the test sets. */
export async function startWebServer(): Promise<WebServer> {
  const routes = new Map<string, { status?: number; type?: string; body: string | Buffer; location?: string; delayMs?: number }>();
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(request.url ?? '');
    const route = routes.get(request.url ?? '');
    if (!route) {
      response.writeHead(404).end('not found');
      return;
    }
    const send = () => {
      response.writeHead(route.status ?? 200, { 'Content-Type': route.type ?? 'text/html; charset=utf-8', ...(route.location ? { Location: route.location } : {}) });
      response.end(route.body);
    };
    if (route.delayMs) setTimeout(send, route.delayMs);
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    serve: (path, response) => routes.set(path, response),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
