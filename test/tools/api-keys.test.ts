import type { Client } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import { body, connectMcp, createPlatform, type Platform } from '../helpers.ts';
import { TOOLS } from '../../src/tools/index.ts';
import { callMcp } from '../fixtures/faces.ts';

let platform: Platform;
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  platform.close();
});

const START = new Date('2026-05-01T12:00:00Z');
/** A platform on a clock the test moves (`advance(seconds)`). */
function setup() {
  let clock = START;
  platform = createPlatform({}, undefined, () => clock);
  return { advance: (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000)) };
}

/** A call from org A's dashboard session. */
function asDashboard(method: string, path: string, requestBody?: unknown, token = platform.orgA.session.token) {
  return platform.request(method, path, { token, body: requestBody });
}

async function mint(requestBody: Record<string, unknown>) {
  const response = await asDashboard('POST', '/api-keys', requestBody);
  expect(response.status, JSON.stringify(await response.clone().json())).toBe(201);
  return (await body(response)).data;
}

const listAgents = (token: string) => platform.request('GET', '/agents', { token });

describe('create_api_key', () => {
  it('mints a narrow key that can read agents and gets 403 insufficient_scope on writing one', async () => {
    setup();
    const key = await mint({ name: 'Reporting', scopes: ['agents:read'] });
    expect(key).toMatchObject({
      name: 'Reporting', scopes: ['agents:read'], status: 'active', expiresAt: null, lastUsedAt: null, previousExpiresAt: null,
      createdAt: START.toISOString(),
    });
    expect(key.id).toMatch(/^key_/);
    expect(key.secret).toMatch(/^flowyte_sk_[A-Za-z0-9_-]{32}$/);
    expect(key.lastFour).toBe(key.secret.slice(-4));
    expect((await listAgents(key.secret)).status).toBe(200);
    const write = await platform.request('POST', '/agents', { token: key.secret, body: { name: 'Nope' } });
    expect(write.status).toBe(403);
    expect((await body(write)).code).toBe('insufficient_scope');
  });

  it('refuses no scopes, a repeated or unknown scope, a long name and an expiry in the past with 400 validation_error', async () => {
    setup();
    for (const [requestBody, field] of [
      [{ name: 'x', scopes: [] }, 'scopes'],
      [{ name: 'x', scopes: ['agents:read', 'agents:read'] }, 'scopes'],
      [{ name: 'x', scopes: ['chat:public'] }, 'scopes.0'],
      [{ name: 'x', scopes: ['*'] }, 'scopes.0'],
      [{ name: 'x'.repeat(101), scopes: ['agents:read'] }, 'name'],
      [{ name: 'x', scopes: ['agents:read'], expiresAt: 'tomorrow' }, 'expiresAt'],
      [{ name: 'x', scopes: ['agents:read'], expiresAt: '2026-05-01T11:59:59Z' }, 'expiresAt'],
    ] as const) {
      const response = await asDashboard('POST', '/api-keys', requestBody);
      const problem = await body(response);
      expect(response.status, JSON.stringify(requestBody)).toBe(400);
      expect(problem.code).toBe('validation_error');
      expect(problem.errors.map((error: { field: string }) => error.field)).toContain(field);
    }
  });
});

describe('list_api_keys', () => {
  it('lists the org\'s keys newest first, paginated, and never a secret or a hash', async () => {
    setup();
    const first = await mint({ name: 'One', scopes: ['agents:read'] });
    const second = await mint({ name: 'Two', scopes: ['knowledge:write'] });
    const page = await body(await asDashboard('GET', '/api-keys?limit=2'));
    expect(page.data.map((key: { id: string }) => key.id)).toEqual([second.id, first.id]);
    expect(page.hasMore).toBe(true);
    const rest = await body(await asDashboard('GET', `/api-keys?limit=2&cursor=${encodeURIComponent(page.nextCursor)}`));
    expect(rest.data.map((key: { id: string }) => key.id)).toEqual([platform.orgA.apiKey.id]);
    const everything = JSON.stringify([page, rest]);
    for (const secret of [first.secret, second.secret, platform.orgA.apiKey.secret]) expect(everything).not.toContain(secret.slice(11));
    expect(Object.keys(page.data[0]).sort()).toEqual(
      ['createdAt', 'expiresAt', 'id', 'lastFour', 'lastUsedAt', 'name', 'previousExpiresAt', 'scopes', 'status'],
    );
    expect(rest.data[0]).toMatchObject({ name: 'Default key', status: 'active' });
    const ofB = await body(await asDashboard('GET', '/api-keys', undefined, platform.orgB.session.token));
    expect(ofB.data.map((key: { id: string }) => key.id)).toEqual([platform.orgB.apiKey.id]);
  });

  it('records lastUsedAt at most once a minute', async () => {
    const { advance } = setup();
    const key = await mint({ name: 'Used', scopes: ['agents:read'] });
    const lastUsed = async () =>
      (await body(await asDashboard('GET', '/api-keys'))).data.find((item: { id: string }) => item.id === key.id).lastUsedAt;
    await listAgents(key.secret);
    expect(await lastUsed()).toBe(START.toISOString());
    advance(30);
    await listAgents(key.secret);
    expect(await lastUsed()).toBe(START.toISOString());
    advance(31);
    await listAgents(key.secret);
    expect(await lastUsed()).toBe('2026-05-01T12:01:01.000Z');
  });
});

describe('rotate_api_key', () => {
  it('issues a new secret; the old one works within the grace window and fails after it', async () => {
    const { advance } = setup();
    const key = await mint({ name: 'Deploys', scopes: ['agents:read'] });
    const response = await asDashboard('POST', `/api-keys/${key.id}/rotate`, { graceSeconds: 600 });
    expect(response.status).toBe(200);
    const rotated = (await body(response)).data;
    expect(rotated).toMatchObject({ id: key.id, scopes: ['agents:read'], previousExpiresAt: '2026-05-01T12:10:00.000Z' });
    expect(rotated.secret).not.toBe(key.secret);
    expect(rotated.lastFour).toBe(rotated.secret.slice(-4));
    expect((await listAgents(key.secret)).status).toBe(200);
    expect((await listAgents(rotated.secret)).status).toBe(200);
    advance(601);
    const late = await listAgents(key.secret);
    expect(late.status).toBe(401);
    expect((await body(late)).code).toBe('unauthorized');
    expect((await listAgents(rotated.secret)).status).toBe(200);
    const listed = (await body(await asDashboard('GET', '/api-keys'))).data.find((item: { id: string }) => item.id === key.id);
    expect(listed.previousExpiresAt).toBeNull();
  });

  it('defaults to a day of grace, and with graceSeconds 0 stops the old secret at once', async () => {
    setup();
    const key = await mint({ name: 'Deploys', scopes: ['agents:read'] });
    expect((await listAgents(key.secret)).status).toBe(200);
    const graced = (await body(await asDashboard('POST', `/api-keys/${key.id}/rotate`, {}))).data;
    expect(graced.previousExpiresAt).toBe('2026-05-02T12:00:00.000Z');
    const immediate = (await body(await asDashboard('POST', `/api-keys/${key.id}/rotate`, { graceSeconds: 0 }))).data;
    expect(immediate.previousExpiresAt).toBeNull();
    expect((await listAgents(key.secret)).status).toBe(401);
    expect((await listAgents(graced.secret)).status).toBe(401);
    expect((await listAgents(immediate.secret)).status).toBe(200);
  });

  it('refuses a grace window over 7 days', async () => {
    setup();
    const response = await asDashboard('POST', `/api-keys/${platform.orgA.apiKey.id}/rotate`, { graceSeconds: 604_801 });
    expect(response.status).toBe(400);
  });
});

describe('revoke_api_key', () => {
  it('stops the key and a rotated-out secret at once; a second revoke is 404 and the key is no longer listed', async () => {
    setup();
    const key = await mint({ name: 'Leaked', scopes: ['agents:read'] });
    const rotated = (await body(await asDashboard('POST', `/api-keys/${key.id}/rotate`, { graceSeconds: 3600 }))).data;
    // Both resolved (and so cached) before the revoke.
    expect((await listAgents(key.secret)).status).toBe(200);
    expect((await listAgents(rotated.secret)).status).toBe(200);
    const response = await asDashboard('DELETE', `/api-keys/${key.id}`);
    expect(await body(response)).toEqual({ success: true, data: { id: key.id, revoked: true, revokedAt: START.toISOString() } });
    expect((await listAgents(rotated.secret)).status).toBe(401);
    expect((await listAgents(key.secret)).status).toBe(401);
    const again = await asDashboard('DELETE', `/api-keys/${key.id}`);
    expect(again.status).toBe(404);
    expect((await body(again)).code).toBe('not_found');
    expect((await asDashboard('POST', `/api-keys/${key.id}/rotate`, {})).status).toBe(404);
    const listed = (await body(await asDashboard('GET', '/api-keys'))).data.map((item: { id: string }) => item.id);
    expect(listed).not.toContain(key.id);
  });
});

describe('secret key expiry', () => {
  it('stops an expired key with 401, lists it as expired, and refuses to rotate it (409)', async () => {
    const { advance } = setup();
    const key = await mint({ name: 'Temporary', scopes: ['agents:read'], expiresAt: '2026-05-01T13:00:00+00:00' });
    expect(key).toMatchObject({ expiresAt: '2026-05-01T13:00:00.000Z', status: 'active' });
    expect((await listAgents(key.secret)).status).toBe(200);
    advance(3600);
    const expired = await listAgents(key.secret);
    expect(expired.status).toBe(401);
    expect((await body(expired)).detail).toBe('the key or session token is not valid (revoked, expired or mistyped)');
    const listed = (await body(await asDashboard('GET', '/api-keys'))).data.find((item: { id: string }) => item.id === key.id);
    expect(listed.status).toBe('expired');
    const rotate = await asDashboard('POST', `/api-keys/${key.id}/rotate`, {});
    expect(rotate.status).toBe(409);
    expect((await body(rotate)).code).toBe('credential_expired');
    expect((await asDashboard('DELETE', `/api-keys/${key.id}`)).status).toBe(200);
  });

  it('ends a rotated-out secret at the key\'s expiry when that comes before the grace window does', async () => {
    const { advance } = setup();
    const key = await mint({ name: 'Temporary', scopes: ['agents:read'], expiresAt: '2026-05-01T12:05:00Z' });
    await asDashboard('POST', `/api-keys/${key.id}/rotate`, { graceSeconds: 3600 });
    advance(300);
    expect((await listAgents(key.secret)).status).toBe(401);
  });
});

describe('secret key management is dashboard-only and org-bound', () => {
  const accountTools = TOOLS.filter((tool) => tool.toolset === 'account').map((tool) => tool.name);

  it('answers a secret key, even one holding every scope, with 403 dashboard_session_required', async () => {
    setup();
    for (const [method, path] of [['GET', '/api-keys'], ['POST', '/api-keys'], ['POST', `/api-keys/${platform.orgA.apiKey.id}/rotate`], ['DELETE', `/api-keys/${platform.orgA.apiKey.id}`]]) {
      const response = await platform.request(method, path, { body: method === 'POST' ? { name: 'x', scopes: ['agents:read'] } : undefined });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect((await body(response)).code).toBe('dashboard_session_required');
    }
    expect(accountTools).toHaveLength(8);
  });

  it('answers another org\'s key id with 404 and leaves the key working', async () => {
    setup();
    const ofB = platform.orgB.apiKey;
    for (const [method, path] of [['POST', `/api-keys/${ofB.id}/rotate`], ['DELETE', `/api-keys/${ofB.id}`]]) {
      const response = await asDashboard(method, path, method === 'POST' ? {} : undefined);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect((await body(response)).code).toBe('not_found');
    }
    expect((await listAgents(ofB.secret)).status).toBe(200);
  });
});

describe('secret keys over MCP', () => {
  async function dashboardMcp(options: { token?: string; elicitation?: boolean } = {}): Promise<Client> {
    const client = await connectMcp(platform, { token: options.token ?? platform.orgA.session.token, elicitation: options.elicitation });
    clients.push(client);
    return client;
  }
  const tool = (name: string) => TOOLS.find((candidate) => candidate.name === name)!;

  it('mint, list, rotate (confirmed) and revoke (confirmed) a key; each step takes effect on REST', async () => {
    const { advance } = setup();
    const client = await dashboardMcp();
    const created = await callMcp(client, tool('create_api_key'), { name: 'From MCP', scopes: ['agents:read'] });
    expect(created.ok).toBe(true);
    const key = created.data as { id: string; secret: string };
    expect((await listAgents(key.secret)).status).toBe(200);
    expect((await platform.request('POST', '/agents', { token: key.secret, body: { name: 'x' } })).status).toBe(403);

    const listed = await callMcp(client, tool('list_api_keys'), {});
    expect(JSON.stringify(listed.data)).not.toContain(key.secret.slice(11));
    expect((listed.data!.items as { id: string }[]).map((item) => item.id)).toContain(key.id);

    // Destructive: the first call only asks for confirmation, and nothing changes.
    const unconfirmed = await callMcp(client, tool('rotate_api_key'), { id: key.id, graceSeconds: 60 }, { confirm: false });
    expect(unconfirmed.problem?.code).toBe('confirmation_required');
    const rotated = await callMcp(client, tool('rotate_api_key'), { id: key.id, graceSeconds: 60 });
    expect(rotated.ok).toBe(true);
    const secret = (rotated.data as { secret: string }).secret;
    expect((await listAgents(key.secret)).status).toBe(200);
    expect((await listAgents(secret)).status).toBe(200);
    advance(61);
    expect((await listAgents(key.secret)).status).toBe(401);

    const revoked = await callMcp(client, tool('revoke_api_key'), { id: key.id });
    expect(revoked.data).toMatchObject({ id: key.id, revoked: true });
    expect((await listAgents(secret)).status).toBe(401);
    const again = await callMcp(client, tool('revoke_api_key'), { id: key.id });
    expect(again.problem?.code).toBe('not_found');
  });

  it('asks through elicitation before revoking, and revokes only when the user confirms', async () => {
    setup();
    const key = await mint({ name: 'Elicited', scopes: ['agents:read'] });
    const client = await dashboardMcp({ elicitation: true });
    let answer = false;
    client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { confirm: answer } }));
    const declined = await client.callTool({ name: 'revoke_api_key', arguments: { id: key.id } });
    expect(declined.isError).toBe(true);
    expect((await listAgents(key.secret)).status).toBe(200);
    answer = true;
    const accepted = await client.callTool({ name: 'revoke_api_key', arguments: { id: key.id } });
    expect(accepted.structuredContent).toMatchObject({ id: key.id, revoked: true });
    expect((await listAgents(key.secret)).status).toBe(401);
  });

  it('are neither listed to nor callable by a secret key, and another org\'s key id is not_found', async () => {
    setup();
    const withKey = await dashboardMcp({ token: platform.orgA.apiKey.secret });
    expect((await withKey.listTools()).tools.map((listed) => listed.name)).not.toContain('create_api_key');
    await expect(withKey.callTool({ name: 'create_api_key', arguments: { name: 'x', scopes: ['agents:read'] } })).rejects.toMatchObject({ code: -32602 });
    const dashboard = await dashboardMcp();
    const foreign = await callMcp(dashboard, tool('revoke_api_key'), { id: platform.orgB.apiKey.id });
    expect(foreign).toMatchObject({ ok: false, status: 404, problem: { code: 'not_found' } });
    expect((await listAgents(platform.orgB.apiKey.secret)).status).toBe(200);
  });
});
