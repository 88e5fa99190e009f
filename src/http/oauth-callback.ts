/** The browser's return from an OAuth consent: the single-use state names the org and provider; the code becomes credentials. */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { toProblem } from '../errors.ts';
import type { Services } from '../services.ts';
import type { AppEnv } from './authenticate.ts';
import { reportUnexpected } from '../logging.ts';
import { OAUTH_CALLBACK_PATH, finishOAuth, providerOf } from '../runtime/integrations/connections.ts';

const page = (title: string, message: string) => html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto"><h1>${title}</h1><p>${message}</p></body></html>`;

/** Mount the callback (before authentication: a browser brings no API key, the state stands in for it). */
export function mountOAuthCallback(app: Hono<AppEnv>, services: Services): void {
  app.get(OAUTH_CALLBACK_PATH, async function oauthCallback(c) {
    const { state, code, error } = c.req.query();
    if (error || !state || !code) {
      return c.html(page('Not connected', error ? `The provider said: ${error}. Start the connection again.` : 'The link is missing its state or code.'), 400);
    }
    try {
      const { kind, accountLabel } = await finishOAuth(services, state, code);
      return c.html(page('Connected', `${providerOf(kind).name} is connected${accountLabel ? ` as ${accountLabel}` : ''}. You can close this window.`));
    } catch (failure) {
      // The page shows the problem's detail only; a fault's message and stack go to the log.
      reportUnexpected(services.logger, failure, { requestId: c.var.requestId, path: OAUTH_CALLBACK_PATH });
      const problem = toProblem(failure, OAUTH_CALLBACK_PATH);
      return c.html(page('Not connected', problem.detail), problem.status as 400);
    }
  });
}
