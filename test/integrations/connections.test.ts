/**
 * The core connection tools against the local Google and Shopify servers: the catalog, the org's
 * connections (status only, never a credential), connecting with an API key and through an OAuth
 * consent and its callback, credentials sealed at rest, and disconnecting.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { body, createPlatform, type Platform } from '../helpers.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { startGoogleServer, type GoogleServer } from '../support/google-server.ts';
import { startShopifyServer, type ShopifyServer } from '../support/shopify-server.ts';
import { call, connectGoogle, connectShopify, providerConfig } from './curated-helpers.ts';

const opened = closeAfterEach();
let google: GoogleServer;
let shop: ShopifyServer;
beforeEach(async () => {
  google = opened(await startGoogleServer());
  shop = opened(await startShopifyServer());
});

function platformWith(overrides = {}, now?: () => Date): Platform {
  return opened(createPlatform({ ...providerConfig({ google, shopify: shop }), ...overrides }, undefined, now));
}

async function problemOf(response: Response) {
  expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
  return body(response);
}

describe('list_integration_catalog', () => {
  it('lists the curated providers, and shows which the org connected and as which account', async () => {
    const platform = platformWith();
    const before = (await call(platform, 'GET', '/integrations/catalog')) as any[];
    const byKind = Object.fromEntries(before.map((item) => [item.kind, item]));
    expect(byKind.google_calendar).toMatchObject({ name: 'Google Calendar', category: 'calendar', auth: 'oauth', actionCount: 2, hasPack: false, discoverable: false, connected: false, accountLabel: null });
    expect(byKind.google_sheets).toMatchObject({ name: 'Google Sheets', category: 'spreadsheet', auth: 'oauth', actionCount: 1, connected: false });
    expect(byKind.shopify).toMatchObject({ name: 'Shopify', category: 'commerce', auth: 'api_key', actionCount: 1, logo: 'shopify', connected: false });
    expect(byKind.shopify.description.length).toBeGreaterThan(20);

    await connectShopify(platform, shop);
    const after = (await call(platform, 'GET', '/integrations/catalog')) as any[];
    expect(after.find((item) => item.kind === 'shopify')).toMatchObject({ connected: true, accountLabel: 'Acme Outfitters' });
    // Another org sees its own picture.
    const other = (await call(platform, 'GET', '/integrations/catalog', undefined, platform.orgB.apiKey.secret)) as any[];
    expect(other.find((item) => item.kind === 'shopify')).toMatchObject({ connected: false, accountLabel: null });
  });
});

describe('list_integrations', () => {
  it('shows status and account only: no credential value appears in any answer', async () => {
    const platform = platformWith();
    const answers: string[] = [];
    const record = async (method: string, path: string, payload?: unknown) => {
      const response = await platform.request(method, path, { body: payload });
      answers.push(await response.text());
      return response;
    };
    await record('POST', '/integrations/shopify/connect', { credentials: { shop: shop.shop, access_token: shop.accessToken } });
    const { callback } = await connectGoogle(platform, 'google_calendar');
    answers.push(await (await platform.app.request(callback)).text());
    await record('GET', '/integrations/catalog');
    const listed = await record('GET', '/integrations');
    await record('GET', '/integrations/google_calendar/actions');

    const items = JSON.parse(answers.at(-2)!).data;
    expect(items).toEqual([
      { kind: 'google_calendar', name: 'Google Calendar', status: 'connected', accountLabel: google.email, connectedAt: expect.any(String), updatedAt: expect.any(String), discoveredAt: null },
      { kind: 'shopify', name: 'Shopify', status: 'connected', accountLabel: 'Acme Outfitters', connectedAt: expect.any(String), updatedAt: expect.any(String), discoveredAt: null },
    ]);
    expect(listed.status).toBe(200);
    const stored = platform.services.integrations.credentials(platform.orgA.org.id, 'google_calendar') as { access_token: string; refresh_token: string };
    for (const secret of [shop.accessToken, stored.access_token, stored.refresh_token, 'GOCSPX-test-secret']) {
      for (const answer of answers) expect(answer).not.toContain(secret);
    }
  });
});

describe('connect_integration with an API key', () => {
  it('checks the credentials with the provider and names the account', async () => {
    const platform = platformWith();
    const connected = await connectShopify(platform, shop);
    expect(connected).toEqual({ kind: 'shopify', status: 'connected', accountLabel: 'Acme Outfitters' });
    expect(shop.requests.map((request) => [request.operationName, request.token])).toEqual([['ShopName', shop.accessToken]]);
  });

  it('takes the shop domain with https:// and a trailing slash, in any case', async () => {
    const platform = platformWith();
    await call(platform, 'POST', '/integrations/shopify/connect', { credentials: { shop: ' HTTPS://Acme-Outfitters.myshopify.com/ ', access_token: shop.accessToken } });
    expect(platform.services.integrations.credentials(platform.orgA.org.id, 'shopify')).toEqual({ shop: 'acme-outfitters.myshopify.com', access_token: shop.accessToken });
  });

  it('returns 400 validation_error naming the token the shop refused, and stores nothing', async () => {
    const platform = platformWith();
    const response = await platform.request('POST', '/integrations/shopify/connect', { body: { credentials: { shop: shop.shop, access_token: 'shpat_not_the_right_one' } } });
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.code).toBe('validation_error');
    expect(problem.errors).toEqual([{ field: 'credentials.access_token', message: 'was not accepted by the shop' }]);
    expect(platform.services.integrations.find(platform.orgA.org.id, 'shopify')).toBeUndefined();
  });

  it('returns 400 validation_error naming each missing or malformed credential', async () => {
    const platform = platformWith();
    const missing = await problemOf(await platform.request('POST', '/integrations/shopify/connect', { body: {} }));
    expect(missing.code).toBe('validation_error');
    expect(missing.errors.map((error: { field: string }) => error.field).sort()).toEqual(['credentials.access_token', 'credentials.shop']);
    const malformed = await problemOf(await platform.request('POST', '/integrations/shopify/connect', { body: { credentials: { shop: 'acme.example.com', access_token: shop.accessToken } } }));
    expect(malformed.errors.map((error: { field: string }) => error.field)).toEqual(['credentials.shop']);
    expect(shop.requests).toEqual([]);
  });

  it('returns 404 for a provider that is not in the catalog', async () => {
    const platform = platformWith();
    const response = await platform.request('POST', '/integrations/hubspot/connect', { body: {} });
    expect(response.status).toBe(404);
    expect((await problemOf(response)).code).toBe('not_found');
  });

  it('returns 502 integration_error when the shop cannot be reached', async () => {
    const platform = platformWith({ shopifyApiBaseUrl: 'http://127.0.0.1:9' });
    const response = await platform.request('POST', '/integrations/shopify/connect', { body: { credentials: { shop: shop.shop, access_token: shop.accessToken } } });
    expect(response.status).toBe(502);
    expect((await problemOf(response)).code).toBe('integration_error');
  });
});

describe('connect_integration through OAuth', () => {
  it('answers a consent link; the callback connects the org as the Google account', async () => {
    const platform = platformWith();
    const started = await call(platform, 'POST', '/integrations/google_calendar/connect', {});
    const consent = new URL(started.oauthUrl);
    expect(consent.origin + consent.pathname).toBe(`${google.url}/o/oauth2/v2/auth`);
    expect(Object.fromEntries(consent.searchParams)).toMatchObject({
      client_id: 'flowyte-test.apps.googleusercontent.com',
      redirect_uri: `${platform.services.config.publicBaseUrl}/api/v1/integrations/oauth/callback`,
      response_type: 'code',
      access_type: 'offline',
      prompt: 'consent',
    });
    expect(consent.searchParams.get('scope')!.split(' ')).toEqual(expect.arrayContaining(['openid', 'email', 'https://www.googleapis.com/auth/calendar.events']));
    expect(consent.searchParams.get('state')!.length).toBeGreaterThan(30);

    const redirect = await fetch(started.oauthUrl, { redirect: 'manual' });
    const back = new URL(redirect.headers.get('location')!);
    const page = await platform.app.request(back.pathname + back.search);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`Google Calendar is connected as ${google.email}`);
    const [connection] = (await call(platform, 'GET', '/integrations'));
    expect(connection).toMatchObject({ kind: 'google_calendar', status: 'connected', accountLabel: google.email });
    expect(google.requests.filter((request) => request.path === '/token').map((request) => request.grantType)).toEqual(['authorization_code']);
  });

  it('refuses the same consent link a second time', async () => {
    const platform = platformWith();
    const { callback, response } = await connectGoogle(platform, 'google_sheets');
    expect(response.status).toBe(200);
    const again = await platform.app.request(callback);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('expired or was already used');
  });

  it('refuses a consent that comes back after the link expired', async () => {
    let clock = Date.parse('2025-06-02T13:00:00Z');
    const platform = platformWith({}, () => new Date(clock));
    const started = await call(platform, 'POST', '/integrations/google_calendar/connect', {});
    const back = new URL((await fetch(started.oauthUrl, { redirect: 'manual' })).headers.get('location')!);
    clock += 16 * 60_000;
    const page = await platform.app.request(back.pathname + back.search);
    expect(page.status).toBe(400);
    expect(platform.services.integrations.find(platform.orgA.org.id, 'google_calendar')).toBeUndefined();
  });

  it('shows the provider refusal when the browser comes back without a code', async () => {
    const platform = platformWith();
    const page = await platform.app.request('/api/v1/integrations/oauth/callback?error=access_denied&state=x');
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('access_denied');
  });

  it('returns 400 integration_unavailable when the deployment has no Google OAuth app', async () => {
    const platform = platformWith({ googleClientId: undefined, googleClientSecret: undefined });
    const response = await platform.request('POST', '/integrations/google_sheets/connect', { body: {} });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).code).toBe('integration_unavailable');
  });
});

describe('credentials at rest', () => {
  const rawBlob = (platform: Platform, orgId: string, kind: string) =>
    (platform.services.db.prepare('SELECT credentials FROM integration_connections WHERE org_id = ? AND kind = ?').get(orgId, kind) as { credentials: Buffer }).credentials;

  it('are sealed: the stored blob holds no token, and opens only in its own row, untampered', async () => {
    const platform = platformWith();
    const { orgA, orgB, services } = platform;
    await connectShopify(platform, shop);
    await connectShopify(platform, shop, orgB.apiKey.secret);
    const blob = rawBlob(platform, orgA.org.id, 'shopify');
    expect(blob.includes(Buffer.from(shop.accessToken))).toBe(false);
    expect(blob.includes(Buffer.from('shpat_'))).toBe(false);
    expect(services.integrations.credentials(orgA.org.id, 'shopify')).toMatchObject({ access_token: shop.accessToken });

    // Org A's blob moved into org B's row does not open there.
    services.db.prepare('UPDATE integration_connections SET credentials = ? WHERE org_id = ? AND kind = ?').run(blob, orgB.org.id, 'shopify');
    expect(() => services.integrations.credentials(orgB.org.id, 'shopify')).toThrow();

    // One flipped byte of the ciphertext does not open either.
    const tampered = Buffer.from(blob);
    tampered[tampered.length - 1] ^= 0x01;
    services.db.prepare('UPDATE integration_connections SET credentials = ? WHERE org_id = ? AND kind = ?').run(tampered, orgA.org.id, 'shopify');
    expect(() => services.integrations.credentials(orgA.org.id, 'shopify')).toThrow();
  });

  it('are sealed for OAuth connections too (access and refresh tokens)', async () => {
    const platform = platformWith();
    await connectGoogle(platform, 'google_calendar');
    const stored = platform.services.integrations.credentials(platform.orgA.org.id, 'google_calendar') as Record<string, string>;
    expect(stored).toMatchObject({ access_token: expect.stringMatching(/^ya29\./), refresh_token: expect.stringMatching(/^1\/\/0g/), expires_at: expect.any(String) });
    const blob = rawBlob(platform, platform.orgA.org.id, 'google_calendar');
    expect(blob.includes(Buffer.from(stored.access_token))).toBe(false);
    expect(blob.includes(Buffer.from(stored.refresh_token))).toBe(false);
  });
});

describe('disconnect_integration', () => {
  it('removes the connection and its credentials; connecting again works', async () => {
    const platform = platformWith();
    await connectShopify(platform, shop);
    expect(await call(platform, 'DELETE', '/integrations/shopify')).toEqual({ kind: 'shopify', status: 'disconnected' });
    expect((await call(platform, 'GET', '/integrations'))).toEqual([]);
    expect(platform.services.integrations.credentials(platform.orgA.org.id, 'shopify')).toBeUndefined();
    await connectShopify(platform, shop);
    expect((await call(platform, 'GET', '/integrations'))).toHaveLength(1);
  });

  it('returns 404 when the provider is not connected, or only another org connected it', async () => {
    const platform = platformWith();
    await connectShopify(platform, shop, platform.orgB.apiKey.secret);
    const response = await platform.request('DELETE', '/integrations/shopify');
    expect(response.status).toBe(404);
    expect((await problemOf(response)).code).toBe('not_found');
    expect(platform.services.integrations.find(platform.orgB.org.id, 'shopify')).toBeDefined();
  });
});
