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
const DAY = 86_400;
/** A platform on a clock the test moves (`advance(seconds)`). */
function setup() {
  let clock = START;
  platform = createPlatform({}, undefined, () => clock);
  return { advance: (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000)) };
}

function asDashboard(method: string, path: string, requestBody?: unknown, token = platform.orgA.session.token) {
  return platform.request(method, path, { token, body: requestBody });
}

async function mint(requestBody: Record<string, unknown> = {}) {
  const response = await asDashboard('POST', '/sessions', requestBody);
  expect(response.status).toBe(201);
  return (await body(response)).data;
}

/** A dashboard-only call, so only a live session gets 200. */
const dashboardCall = (token: string) => platform.request('GET', '/sessions', { token });

describe('create_session', () => {
  it('mints a 30-day session for the calling user whose token works at once', async () => {
    setup();
    const session = await mint();
    expect(session).toMatchObject({
      userId: platform.orgA.userId, createdAt: START.toISOString(), expiresAt: '2026-05-31T12:00:00.000Z', lastUsedAt: null, current: false, status: 'active',
    });
    expect(session.token).toMatch(/^flowyte_sess_/);
    expect((await dashboardCall(session.token)).status).toBe(200);
    const seven = await mint({ expiresInDays: 7 });
    expect(seven.expiresAt).toBe('2026-05-08T12:00:00.000Z');
    expect((await asDashboard('POST', '/sessions', { expiresInDays: 366 })).status).toBe(400);
  });

  it('keeps the bootstrap session on the same 30-day code path', async () => {
    setup();
    const [bootstrap] = (await body(await asDashboard('GET', '/sessions'))).data;
    expect(bootstrap).toMatchObject({ id: platform.orgA.session.id, expiresAt: '2026-05-31T12:00:00.000Z' });
  });
});

describe('list_sessions', () => {
  it('lists the org\'s sessions newest first, marks the one making the request current, and never shows a token', async () => {
    setup();
    const minted = await mint();
    const asBootstrap = await body(await asDashboard('GET', '/sessions'));
    expect(asBootstrap.data.map((session: { id: string; current: boolean }) => [session.id, session.current])).toEqual([
      [minted.id, false],
      [platform.orgA.session.id, true],
    ]);
    expect(JSON.stringify(asBootstrap)).not.toContain(minted.token.slice(13));
    const asMinted = await body(await dashboardCall(minted.token));
    expect(asMinted.data.find((session: { current: boolean }) => session.current).id).toBe(minted.id);
    expect(asMinted.data[0].lastUsedAt).toBe(START.toISOString());
    const ofB = await body(await asDashboard('GET', '/sessions', undefined, platform.orgB.session.token));
    expect(ofB.data.map((session: { id: string }) => session.id)).toEqual([platform.orgB.session.id]);
  });
});

describe('renew_session', () => {
  it('moves expiresAt to the given days from now and the same token keeps working past the old expiry', async () => {
    const { advance } = setup();
    const session = await mint({ expiresInDays: 1 });
    advance(DAY - 60);
    const response = await asDashboard('POST', `/sessions/${session.id}/renew`, { expiresInDays: 30 });
    expect(response.status).toBe(200);
    const renewed = (await body(response)).data;
    expect(renewed).toMatchObject({ id: session.id, expiresAt: '2026-06-01T11:59:00.000Z', status: 'active' });
    expect(renewed.token).toBeUndefined();
    advance(2 * DAY);
    expect((await dashboardCall(session.token)).status).toBe(200);
  });

  it('renews the calling session itself, by default for 30 days', async () => {
    const { advance } = setup();
    advance(10 * DAY);
    const renewed = (await body(await asDashboard('POST', `/sessions/${platform.orgA.session.id}/renew`, {}))).data;
    expect(renewed).toMatchObject({ current: true, expiresAt: '2026-06-10T12:00:00.000Z' });
  });
});

describe('session expiry', () => {
  it('stops an expired session with 401, lists it as expired, and refuses to renew it (409)', async () => {
    const { advance } = setup();
    const session = await mint({ expiresInDays: 1 });
    expect((await dashboardCall(session.token)).status).toBe(200);
    advance(DAY);
    const expired = await dashboardCall(session.token);
    expect(expired.status).toBe(401);
    expect((await body(expired)).code).toBe('unauthorized');
    const listed = (await body(await asDashboard('GET', '/sessions'))).data.find((item: { id: string }) => item.id === session.id);
    expect(listed.status).toBe('expired');
    const renew = await asDashboard('POST', `/sessions/${session.id}/renew`, {});
    expect(renew.status).toBe(409);
    expect((await body(renew)).code).toBe('credential_expired');
  });
});

describe('revoke_session', () => {
  it('signs a session out at once; a second revoke is 404 and it is no longer listed', async () => {
    setup();
    const session = await mint();
    expect((await dashboardCall(session.token)).status).toBe(200);
    const response = await asDashboard('DELETE', `/sessions/${session.id}`);
    expect((await body(response)).data).toEqual({ id: session.id, revoked: true, revokedAt: START.toISOString() });
    expect((await dashboardCall(session.token)).status).toBe(401);
    expect((await asDashboard('DELETE', `/sessions/${session.id}`)).status).toBe(404);
    expect((await asDashboard('POST', `/sessions/${session.id}/renew`, {})).status).toBe(404);
    const listed = (await body(await asDashboard('GET', '/sessions'))).data.map((item: { id: string }) => item.id);
    expect(listed).not.toContain(session.id);
  });

  it('may revoke the session making the request', async () => {
    setup();
    const session = await mint();
    const response = await asDashboard('DELETE', `/sessions/${session.id}`, undefined, session.token);
    expect(response.status).toBe(200);
    expect((await dashboardCall(session.token)).status).toBe(401);
    expect((await dashboardCall(platform.orgA.session.token)).status).toBe(200);
  });

  it('answers another org\'s session id with 404 and a secret key with 403 dashboard_session_required', async () => {
    setup();
    const foreign = await asDashboard('DELETE', `/sessions/${platform.orgB.session.id}`);
    expect(foreign.status).toBe(404);
    expect((await body(foreign)).code).toBe('not_found');
    expect((await asDashboard('POST', `/sessions/${platform.orgB.session.id}/renew`, {})).status).toBe(404);
    expect((await dashboardCall(platform.orgB.session.token)).status).toBe(200);
    const withKey = await platform.request('POST', '/sessions', { body: {} });
    expect(withKey.status).toBe(403);
    expect((await body(withKey)).code).toBe('dashboard_session_required');
  });
});

describe('sessions over MCP', () => {
  const tool = (name: string) => TOOLS.find((candidate) => candidate.name === name)!;

  it('mint, list (current), renew and revoke (confirmed) a session', async () => {
    setup();
    const client = await connectMcp(platform, { token: platform.orgA.session.token });
    clients.push(client);
    const created = await callMcp(client, tool('create_session'), { expiresInDays: 2 });
    const session = created.data as { id: string; token: string };
    expect((await dashboardCall(session.token)).status).toBe(200);
    const listed = (await callMcp(client, tool('list_sessions'), {})).data!.items as { id: string; current: boolean }[];
    expect(listed.find((item) => item.current)?.id).toBe(platform.orgA.session.id);
    const renewed = await callMcp(client, tool('renew_session'), { id: session.id, expiresInDays: 10 });
    expect(renewed.data).toMatchObject({ id: session.id, expiresAt: '2026-05-11T12:00:00.000Z' });
    const unconfirmed = await callMcp(client, tool('revoke_session'), { id: session.id }, { confirm: false });
    expect(unconfirmed.problem?.code).toBe('confirmation_required');
    expect((await dashboardCall(session.token)).status).toBe(200);
    const revoked = await callMcp(client, tool('revoke_session'), { id: session.id });
    expect(revoked.data).toMatchObject({ id: session.id, revoked: true });
    expect((await dashboardCall(session.token)).status).toBe(401);
  });
});
