/** What `flowyte keys …` and `flowyte sessions …` do: one registry tool each, run as the org's owner. */
import { SECRET_KEY_SCOPES } from '../auth/scopes.ts';
import { listAll, withHostTools, type HostFlags } from './host-tools.ts';

export interface OutputFlags extends HostFlags {
  /** Print the tool's output as JSON instead of sentences and tables. */
  json?: boolean;
}

type Item = Record<string, unknown>;

/** A key holding every scope would make a column hundreds of characters wide. */
const scopeList = (scopes: unknown[]) => (scopes.length === SECRET_KEY_SCOPES.length ? 'all' : scopes.join(','));
const text = (value: unknown) => (value === undefined || value === null || value === '' ? '-' : Array.isArray(value) ? scopeList(value) : String(value));

/** Aligned columns, one row per item; headers in capitals like most command-line tools. */
export function formatTable(items: Item[], columns: Array<[header: string, field: string]>): string {
  if (items.length === 0) return '(none)\n';
  const rows = [columns.map(([header]) => header), ...items.map((item) => columns.map(([, field]) => text(item[field])))];
  const widths = columns.map((_, index) => Math.max(...rows.map((row) => row[index].length)));
  return rows.map((row) => row.map((cell, index) => cell.padEnd(widths[index])).join('  ').trimEnd()).join('\n') + '\n';
}

/** Run one tool and print its output: JSON with --json, else what `describe` makes of it. */
async function runAndPrint(flags: OutputFlags, toolName: string, input: Item, describe: (data: Item) => string): Promise<void> {
  const data = (await withHostTools(flags, (call) => call(toolName, input))) as Item;
  process.stdout.write(flags.json ? `${JSON.stringify(data, null, 2)}\n` : describe(data));
}

async function listAndPrint(flags: OutputFlags, toolName: string, columns: Array<[string, string]>): Promise<void> {
  const items = await withHostTools(flags, (call) => listAll(call, toolName));
  process.stdout.write(flags.json ? `${JSON.stringify(items, null, 2)}\n` : formatTable(items, columns));
}

const expiry = (value: unknown) => (value ? `expires ${String(value)}` : 'does not expire');

export function createKey(flags: OutputFlags & { name: string; scopes: string[]; expiresAt?: string }): Promise<void> {
  const input = { name: flags.name, scopes: flags.scopes, ...(flags.expiresAt && { expiresAt: flags.expiresAt }) };
  return runAndPrint(flags, 'create_api_key', input, (key) =>
    [
      `Created secret key ${text(key.id)} (${text(key.name)}; scopes ${text(key.scopes)}; ${expiry(key.expiresAt)}).`,
      'Secret (shown once, store it now):',
      `  FLOWYTE_API_KEY=${text(key.secret)}`,
      '',
    ].join('\n'),
  );
}

export function listKeys(flags: OutputFlags): Promise<void> {
  return listAndPrint(flags, 'list_api_keys', [['ID', 'id'], ['NAME', 'name'], ['SCOPES', 'scopes'], ['LAST FOUR', 'lastFour'], ['STATUS', 'status'], ['CREATED', 'createdAt'], ['EXPIRES', 'expiresAt'], ['LAST USED', 'lastUsedAt']]);
}

export function rotateKey(id: string, flags: OutputFlags & { graceSeconds?: number }): Promise<void> {
  const input = { id, ...(flags.graceSeconds !== undefined && { graceSeconds: flags.graceSeconds }) };
  return runAndPrint(flags, 'rotate_api_key', input, (key) =>
    [
      `Rotated secret key ${id}. New secret (shown once, store it now):`,
      `  FLOWYTE_API_KEY=${text(key.secret)}`,
      key.previousExpiresAt ? `The previous secret keeps working until ${text(key.previousExpiresAt)}.` : 'The previous secret no longer works.',
      '',
    ].join('\n'),
  );
}

export function revokeKey(id: string, flags: OutputFlags): Promise<void> {
  return runAndPrint(flags, 'revoke_api_key', { id }, () => `Revoked secret key ${id}.\n`);
}

const days = (value: number | undefined) => (value === undefined ? {} : { expiresInDays: value });

export function createSession(flags: OutputFlags & { days?: number }): Promise<void> {
  return runAndPrint(flags, 'create_session', days(flags.days), (session) =>
    [`Created dashboard session ${text(session.id)} (${expiry(session.expiresAt)}).`, 'Session token (shown once, store it now):', `  ${text(session.token)}`, ''].join('\n'),
  );
}

export function listSessions(flags: OutputFlags): Promise<void> {
  return listAndPrint(flags, 'list_sessions', [['ID', 'id'], ['USER', 'userId'], ['STATUS', 'status'], ['CREATED', 'createdAt'], ['EXPIRES', 'expiresAt'], ['LAST USED', 'lastUsedAt']]);
}

export function renewSession(id: string, flags: OutputFlags & { days?: number }): Promise<void> {
  return runAndPrint(flags, 'renew_session', { id, ...days(flags.days) }, (session) => `Renewed dashboard session ${id} (${expiry(session.expiresAt)}).\n`);
}

export function revokeSession(id: string, flags: OutputFlags): Promise<void> {
  return runAndPrint(flags, 'revoke_session', { id }, () => `Revoked dashboard session ${id}.\n`);
}
