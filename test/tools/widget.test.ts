import { afterEach, describe, expect, it } from 'vitest';
import { body, connectMcp, createPlatform, type Platform } from '../helpers.ts';

let platform: Platform;
afterEach(() => platform.close());

const SITE = 'https://www.acme.example';

async function setup(now?: () => Date) {
  platform = createPlatform({}, undefined, now);
  const agent = (await body(await platform.request('POST', '/agents', { body: { name: 'Acme Support', greeting: 'Hello from Acme!' } }))).data;
  const created = await platform.request('POST', `/agents/${agent.id}/publishable-keys`, { body: { name: 'Website', allowedOrigins: [SITE] } });
  expect(created.status).toBe(201);
  return { agent, key: (await body(created)).data };
}

function bootstrap(token: string, origin?: string) {
  return platform.request('GET', '/widget/bootstrap', { token, headers: origin ? { Origin: origin } : {} });
}

describe('publishable keys', () => {
  it('mint a browser-safe key whose value stays readable, and embed it', async () => {
    const { agent, key } = await setup();
    expect(key).toMatchObject({ agentId: agent.id, env: 'live', allowedOrigins: [SITE], rateLimitRpm: null, previousValidUntil: null });
    expect(key.keyPublic).toMatch(/^flowyte_pk_live_[A-Za-z0-9_-]{32}$/);
    const listed = (await body(await platform.request('GET', `/agents/${agent.id}/publishable-keys`))).data;
    expect(listed.map((item: { keyPublic: string }) => item.keyPublic)).toEqual([key.keyPublic]);
    const embed = (await body(await platform.request('GET', `/agents/${agent.id}/widget/embed`))).data;
    expect(embed).toMatchObject({ publishableKeyId: key.id, publishableKey: key.keyPublic });
    expect(embed.scriptSnippet).toContain(`data-flowyte-key="${key.keyPublic}"`);
    expect(embed.scriptSnippet).toMatch(/^<script async src="[^"]+\/widget\.js"/);
  });

  it('work only from their origins, for public operations only, and answer CORS preflights', async () => {
    const { agent, key } = await setup();
    const ok = await bootstrap(key.keyPublic, SITE);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(SITE);
    expect((await body(ok)).data).toMatchObject({ agentId: agent.id, agentName: 'Acme Support', published: false, greeting: 'Hello from Acme!' });
    expect((await bootstrap(key.keyPublic, 'https://evil.example')).status).toBe(403);
    expect((await bootstrap(key.keyPublic)).status).toBe(403);
    const secret = await platform.request('GET', `/agents/${agent.id}`, { token: key.keyPublic, headers: { Origin: SITE } });
    expect(secret.status).toBe(403);
    const preflight = await platform.app.request('/api/v1/widget/bootstrap', {
      method: 'OPTIONS',
      headers: { Origin: SITE, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(SITE);
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  });

  it('follow an origin change at once', async () => {
    const { agent, key } = await setup();
    expect((await bootstrap(key.keyPublic, SITE)).status).toBe(200);
    await platform.request('PATCH', `/agents/${agent.id}/publishable-keys/${key.id}`, { body: { allowedOrigins: ['https://new.acme.example'] } });
    expect((await bootstrap(key.keyPublic, SITE)).status).toBe(403);
    expect((await bootstrap(key.keyPublic, 'https://new.acme.example')).status).toBe(200);
  });

  it('rotate: the new value works, the old one only during the grace window', async () => {
    let clock = new Date('2026-05-01T12:00:00Z');
    const { agent, key } = await setup(() => clock);
    const rotated = (await body(await platform.request('POST', `/agents/${agent.id}/publishable-keys/${key.id}/rotate`, { body: { graceSeconds: 600 } }))).data;
    expect(rotated.keyPublic).not.toBe(key.keyPublic);
    expect(rotated).toMatchObject({ id: key.id, allowedOrigins: [SITE], previousValidUntil: '2026-05-01T12:10:00.000Z' });
    expect((await bootstrap(rotated.keyPublic, SITE)).status).toBe(200);
    expect((await bootstrap(key.keyPublic, SITE)).status).toBe(200);
    clock = new Date('2026-05-01T12:10:01Z');
    platform.services.credentials.forget();
    expect((await bootstrap(key.keyPublic, SITE)).status).toBe(401);
    expect((await bootstrap(rotated.keyPublic, SITE)).status).toBe(200);
  });

  it('revoke: both the value and a rotated-out value stop at once', async () => {
    const { agent, key } = await setup();
    const rotated = (await body(await platform.request('POST', `/agents/${agent.id}/publishable-keys/${key.id}/rotate`, { body: {} }))).data;
    expect((await bootstrap(rotated.keyPublic, SITE)).status).toBe(200);
    const revoked = await platform.request('DELETE', `/agents/${agent.id}/publishable-keys/${key.id}`);
    expect((await body(revoked)).data).toEqual({ id: key.id, deleted: true });
    expect((await bootstrap(rotated.keyPublic, SITE)).status).toBe(401);
    expect((await bootstrap(key.keyPublic, SITE)).status).toBe(401);
    expect((await platform.request('GET', `/agents/${agent.id}/widget/embed`)).status).toBe(404);
  });

  it('apply their own rate limit', async () => {
    const { agent } = await setup();
    const limited = (await body(await platform.request('POST', `/agents/${agent.id}/publishable-keys`, {
      body: { name: 'Tight', allowedOrigins: [SITE], rateLimitRpm: 2 },
    }))).data;
    expect((await bootstrap(limited.keyPublic, SITE)).headers.get('ratelimit-limit')).toBe('2');
    await bootstrap(limited.keyPublic, SITE);
    const third = await bootstrap(limited.keyPublic, SITE);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBeTruthy();
  });

  it('reject an origin with a path', async () => {
    const { agent } = await setup();
    const response = await platform.request('POST', `/agents/${agent.id}/publishable-keys`, { body: { name: 'x', allowedOrigins: ['https://acme.example/shop'] } });
    expect(response.status).toBe(400);
    expect((await body(response)).errors[0].field).toBe('allowedOrigins.0');
  });
});

describe('delete_agent', () => {
  it('revokes the agent\'s publishable keys and removes its knowledge', async () => {
    const { agent, key } = await setup();
    await platform.request('POST', `/agents/${agent.id}/knowledge/sources`, { body: { kind: 'text', label: 'Notes', text: 'Some notes.' } });
    expect((await bootstrap(key.keyPublic, SITE)).status).toBe(200);
    expect((await platform.request('DELETE', `/agents/${agent.id}`)).status).toBe(200);
    expect((await bootstrap(key.keyPublic, SITE)).status).toBe(401);
    expect(platform.services.db.prepare('SELECT count(*) FROM knowledge_sources WHERE agent_id = ?').pluck().get(agent.id)).toBe(0);
  });
});

describe('widget config', () => {
  it('has defaults, is replaced whole, and reaches the bootstrap', async () => {
    const { agent, key } = await setup();
    const defaults = (await body(await platform.request('GET', `/agents/${agent.id}/widget`))).data;
    expect(defaults.theme).toEqual({ accent: '#2563eb', position: 'bottom-right', mode: 'auto', radius: 12 });
    await platform.request('PUT', `/agents/${agent.id}/widget`, { body: { theme: { accent: '#16a34a', mode: 'dark' }, behavior: { openOnLoad: true } } });
    const replaced = (await body(await platform.request('PUT', `/agents/${agent.id}/widget`, { body: { copy: { greeting: 'Hi! How can I help?' } } }))).data;
    expect(replaced.theme.accent).toBe('#2563eb');
    expect(replaced.behavior.openOnLoad).toBe(false);
    const boot = (await body(await bootstrap(key.keyPublic, SITE))).data;
    expect(boot).toMatchObject({ greeting: 'Hi! How can I help?', copy: { greeting: 'Hi! How can I help?' } });
    const invalid = await platform.request('PUT', `/agents/${agent.id}/widget`, { body: { theme: { accent: 'green' } } });
    expect(invalid.status).toBe(400);
    expect((await body(invalid)).errors[0].field).toBe('theme.accent');
  });

  it('bootstrap answers the same over MCP for a publishable key', async () => {
    const { agent, key } = await setup();
    const client = await connectMcp(platform, { token: key.keyPublic });
    const result = await client.callTool({ name: 'get_widget_bootstrap', arguments: {} });
    expect((result.structuredContent as { agentId: string }).agentId).toBe(agent.id);
    const names = (await client.listTools()).tools.map((tool) => tool.name).sort();
    expect(names).toEqual(['create_widget_session', 'get_account', 'get_language_matrix', 'get_widget_bootstrap', 'list_widget_messages', 'send_widget_message']);
    const secretClient = await connectMcp(platform);
    expect((await secretClient.listTools()).tools.map((tool) => tool.name)).not.toContain('get_widget_bootstrap');
  });
});
