/** An in-process Flowyte for the evals: in-memory database, the configured (or local) model, REST through the real app. */
import { loadConfig } from '../src/config.ts';
import { createServices, type Logger, type Services } from '../src/services.ts';
import { createApp } from '../src/http/app.ts';
import { createBackground } from '../src/runtime/background.ts';
import { SECRET_KEY_SCOPES } from '../src/auth/scopes.ts';

const quietLogger: Logger = { error: () => {}, info: () => {} };

export interface EvalPlatform {
  services: Services;
  /** Call the REST API as the org's dashboard session (every scope, dashboard-only tools too). */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any; text: string }>;
  /** Work every queued background job (knowledge indexing). */
  drain(): Promise<number>;
  close(): void;
}

export function evalPlatform(env: NodeJS.ProcessEnv = process.env): EvalPlatform {
  const config = { ...loadConfig({ ...env, FLOWYTE_DATABASE: ':memory:' }), orgRateLimitPerMinute: 1e9, keyRateLimitPerMinute: 1e9 };
  const services = createServices(config, { logger: quietLogger });
  const app = createApp(services);
  const background = createBackground(services);
  const { session } = services.credentials.bootstrapOrg('Evals', 'evals@example.com', SECRET_KEY_SCOPES);
  return {
    services,
    async call(method, path, body) {
      const response = await app.request(`/api/v1${path}`, {
        method,
        headers: { Authorization: `Bearer ${session.token}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      let json: any = null;
      try {
        json = JSON.parse(text);
      } catch {
        // Server-sent events: the caller parses the text.
      }
      return { status: response.status, json, text };
    },
    drain: () => background.worker.drain(),
    close: () => {
      void background.stop();
      services.close();
    },
  };
}

export { parseSse } from '../test/fixtures/sse.ts';
