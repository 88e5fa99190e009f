/** Fixtures for the curated providers' tests: platforms wired to the local Google and Shopify servers, connecting through them, and live conversations. */
import { expect } from 'vitest';
import type { Config } from '../../src/config.ts';
import { body, type Platform } from '../helpers.ts';
import { parseSse, type SseFrame } from '../fixtures/sse.ts';
import { GOOGLE_CLIENT, type GoogleServer } from '../support/google-server.ts';
import type { ShopifyServer } from '../support/shopify-server.ts';

/** Configuration pointing the providers at the local servers (and letting the guarded client reach loopback). */
export function providerConfig(servers: { google?: GoogleServer; shopify?: ShopifyServer }): Partial<Config> {
  return {
    allowPrivateNetwork: true,
    ...(servers.google && { googleClientId: GOOGLE_CLIENT.id, googleClientSecret: GOOGLE_CLIENT.secret, googleApiBaseUrl: servers.google.url }),
    ...(servers.shopify && { shopifyApiBaseUrl: servers.shopify.url }),
  };
}

/** A REST call that must succeed; its data. */
export async function call(platform: Platform, method: string, path: string, payload?: unknown, token?: string): Promise<any> {
  const response = await platform.request(method, path, { body: payload, token });
  const json = await body(response);
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json.data;
}

/**
 * Connect a Google provider as a browser would: start the connection, open the consent link on
 * the local Google server (which approves at once and redirects back), and follow that redirect
 * to the platform's callback. Answers the callback URL (path and query) and its response.
 */
export async function connectGoogle(platform: Platform, kind: string, token?: string): Promise<{ callback: string; response: Response }> {
  const started = await call(platform, 'POST', `/integrations/${kind}/connect`, {}, token);
  expect(started).toMatchObject({ kind, status: 'pending' });
  const consent = await fetch(started.oauthUrl, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const back = new URL(consent.headers.get('location')!);
  const callback = back.pathname + back.search;
  return { callback, response: await platform.app.request(callback) };
}

/** Connect Shopify with the local shop's domain and token. */
export function connectShopify(platform: Platform, shop: ShopifyServer, token?: string): Promise<any> {
  return call(platform, 'POST', '/integrations/shopify/connect', { credentials: { shop: shop.shop, access_token: shop.accessToken } }, token);
}

/** A conversation with the agent's live version (billed, so the org needs credit). */
export async function talkLive(platform: Platform, agentId: string, transcript: string[]): Promise<SseFrame[]> {
  const response = await platform.request('POST', `/agents/${agentId}/simulate`, { body: { transcript, draftMode: false } });
  expect(response.status).toBe(200);
  return parseSse(await response.text());
}

export const replies = (frames: SseFrame[]) => frames.filter((frame) => frame.event === 'agent_message').map((frame) => frame.data.text as string);
export const toolCalls = (frames: SseFrame[]) => frames.filter((frame) => frame.event === 'tool_call').map((frame) => frame.data);
