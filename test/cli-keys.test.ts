/**
 * `flowyte keys …` and `flowyte sessions …` end to end. They run the key and session registry
 * tools (create_api_key, list_api_keys, rotate_api_key, revoke_api_key, create_session,
 * list_sessions, renew_session, revoke_session), so they pass once those tools are in the registry.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, printedKey, runCli, startServe, tempDir } from './support/cli.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function initialized(): Promise<string> {
  const dataDir = tempDir();
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const init = await runCli(['init', '--data-dir', dataDir]);
  expect(init.code).toBe(0);
  return dataDir;
}

async function json<T>(args: string[]): Promise<T> {
  const result = await runCli([...args, '--json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}

interface Key {
  id: string;
  name: string;
  scopes: string[];
  secret?: string;
  revokedAt?: string | null;
}

describe('flowyte keys', () => {
  it('creates a key whose secret works once printed, lists it without the secret, rotates and revokes it', async () => {
    const dataDir = await initialized();
    const created = await runCli(['keys', 'create', '--name', 'ci', '--scopes', 'agents:read', '--data-dir', dataDir]);
    expect(created.code).toBe(0);
    const secret = printedKey(created.stdout);
    const id = /secret key (key_\S+)/.exec(created.stdout)?.[1];
    expect(id).toBeDefined();

    const port = await freePort();
    const server = await startServe(['--port', String(port), '--data-dir', dataDir]);
    cleanups.push(server.stop);
    const agents = await fetch(`http://127.0.0.1:${port}/api/v1/agents`, { headers: { Authorization: `Bearer ${secret}` } });
    expect(agents.status).toBe(200);
    await server.stop();

    const listed = await json<Key[]>(['keys', 'list', '--data-dir', dataDir]);
    const ci = listed.find((key) => key.id === id);
    expect(ci).toMatchObject({ name: 'ci', scopes: ['agents:read'] });
    expect(JSON.stringify(listed)).not.toContain(secret);

    const rotated = await json<{ secret: string; previousExpiresAt: string | null }>(['keys', 'rotate', id!, '--grace-seconds', '60', '--data-dir', dataDir]);
    expect(rotated.secret).toMatch(/^flowyte_sk_/);
    expect(rotated.secret).not.toBe(secret);
    expect(Date.parse(rotated.previousExpiresAt!)).toBeGreaterThan(Date.now());

    const revoked = await runCli(['keys', 'revoke', id!, '--data-dir', dataDir]);
    expect(revoked).toMatchObject({ code: 0, stdout: `Revoked secret key ${id}.\n` });
    const after = (await json<Key[]>(['keys', 'list', '--data-dir', dataDir])).find((key) => key.id === id);
    expect(after === undefined || Boolean(after.revokedAt)).toBe(true);
  });

  it('refuses an unknown scope with the field at fault', async () => {
    const dataDir = await initialized();
    const result = await runCli(['keys', 'create', '--name', 'x', '--scopes', 'agents:fly', '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('scopes');
  });
});

describe('flowyte sessions', () => {
  it('creates, lists, renews and revokes a dashboard session', async () => {
    const dataDir = await initialized();
    const created = await json<{ id: string; token: string; expiresAt: string }>(['sessions', 'create', '--days', '2', '--data-dir', dataDir]);
    expect(created.token).toMatch(/^flowyte_/);
    expect(Date.parse(created.expiresAt) - Date.now()).toBeLessThanOrEqual(2 * 86_400_000 + 60_000);

    const listed = await json<Array<{ id: string }>>(['sessions', 'list', '--data-dir', dataDir]);
    expect(listed.map((session) => session.id)).toContain(created.id);

    const renewed = await json<{ expiresAt: string }>(['sessions', 'renew', created.id, '--days', '20', '--data-dir', dataDir]);
    expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(Date.parse(created.expiresAt));

    const revoked = await runCli(['sessions', 'revoke', created.id, '--data-dir', dataDir]);
    expect(revoked).toMatchObject({ code: 0, stdout: `Revoked dashboard session ${created.id}.\n` });
    const after = (await json<Array<{ id: string; revokedAt?: string | null }>>(['sessions', 'list', '--data-dir', dataDir])).find((session) => session.id === created.id);
    expect(after === undefined || Boolean(after.revokedAt)).toBe(true);
  });
});
