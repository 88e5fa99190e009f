/** Fixtures for knowledge tests: a platform with a worker, an agent, and a local web server. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { body, createPlatform, type Platform } from './helpers.ts';
import { createBackground, type Background } from '../src/runtime/background.ts';
import type { Config } from '../src/config.ts';

export interface KnowledgePlatform extends Platform {
  background: Background;
  agentId: string;
  /** Add a source over REST and return it. */
  addSource(fields: Record<string, unknown>, agentId?: string): Promise<any>;
  getSource(id: string, agentId?: string): Promise<any>;
  /** Work every queued job now. */
  drain(): Promise<number>;
}

export async function createKnowledgePlatform(overrides: Partial<Config> = {}, now?: () => Date): Promise<KnowledgePlatform> {
  const platform = createPlatform({ allowPrivateNetwork: true, ...overrides }, undefined, now);
  const background = createBackground(platform.services);
  const agent = (await body(await platform.request('POST', '/agents', { body: { name: 'Knowing agent' } }))).data;
  return {
    ...platform,
    background,
    agentId: agent.id,
    async addSource(fields, agentId = agent.id) {
      const response = await platform.request('POST', `/agents/${agentId}/knowledge/sources`, { body: fields });
      const json = await body(response);
      if (response.status !== 201) throw new Error(`adding a source failed: ${response.status} ${JSON.stringify(json)}`);
      return json.data;
    },
    async getSource(id, agentId = agent.id) {
      return (await body(await platform.request('GET', `/agents/${agentId}/knowledge/sources/${id}`))).data;
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
