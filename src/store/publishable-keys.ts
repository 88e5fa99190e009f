/** Publishable keys: browser-safe, pinned to one agent and a list of origins. */
import { randomBytes } from 'node:crypto';
import type { Db } from './db.ts';
import { newId } from '../ids.ts';
import { hashToken, TOKEN_PREFIXES } from '../auth/tokens.ts';
import { pageClause, toPage, type Page, type PageRequest } from './page.ts';

export interface PublishableKey {
  id: string;
  orgId: string;
  agentId: string;
  name: string;
  env: 'live' | 'test';
  keyPublic: string;
  allowedOrigins: string[];
  rateLimitRpm: number | null;
  requireIdentityVerification: boolean;
  /** Until when the value before the last rotation still works, if it does. */
  previousValidUntil: string | null;
  createdAt: string;
  updatedAt: string;
  revokedAt: string | null;
}

interface Row {
  id: string;
  org_id: string;
  agent_id: string;
  name: string;
  env: 'live' | 'test';
  key_public: string;
  allowed_origins: string;
  rate_limit_rpm: number | null;
  require_identity_verification: number;
  previous_expires_at: string | null;
  created_at: string;
  updated_at: string;
  revoked_at: string | null;
}

const COLUMNS = `id, org_id, agent_id, name, env, key_public, allowed_origins, rate_limit_rpm,
  require_identity_verification, previous_expires_at, created_at, updated_at, revoked_at`;

function toKey(row: Row): PublishableKey {
  return {
    id: row.id,
    orgId: row.org_id,
    agentId: row.agent_id,
    name: row.name,
    env: row.env,
    keyPublic: row.key_public,
    allowedOrigins: JSON.parse(row.allowed_origins) as string[],
    rateLimitRpm: row.rate_limit_rpm,
    requireIdentityVerification: row.require_identity_verification === 1,
    previousValidUntil: row.previous_expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    revokedAt: row.revoked_at,
  };
}

/** A new key value, e.g. flowyte_pk_live_…. */
function mintValue(env: 'live' | 'test'): string {
  return `${TOKEN_PREFIXES.publishableKey}${env}_${randomBytes(24).toString('base64url')}`;
}

export type KeySettings = Pick<PublishableKey, 'name' | 'allowedOrigins' | 'rateLimitRpm' | 'requireIdentityVerification'>;

export class PublishableKeyStore {
  /** `changed` runs after any change that can affect which values authenticate (cache invalidation). */
  constructor(private readonly db: Db, private readonly now: () => Date, private readonly changed: () => void) {}

  create(orgId: string, agentId: string, env: 'live' | 'test', settings: KeySettings): PublishableKey {
    const id = newId('publishableKey');
    const value = mintValue(env);
    const at = this.now().toISOString();
    this.db
      .prepare(
        `INSERT INTO publishable_keys (id, org_id, agent_id, name, env, key_public, secret_hash, allowed_origins, rate_limit_rpm,
           require_identity_verification, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, orgId, agentId, settings.name, env, value, hashToken(value), JSON.stringify(settings.allowedOrigins), settings.rateLimitRpm, Number(settings.requireIdentityVerification), at, at);
    return this.find(orgId, agentId, id) as PublishableKey;
  }

  /** A key of the agent that is not revoked. */
  find(orgId: string, agentId: string, id: string): PublishableKey | undefined {
    const row = this.db
      .prepare(`SELECT ${COLUMNS} FROM publishable_keys WHERE org_id = ? AND agent_id = ? AND id = ? AND revoked_at IS NULL`)
      .get(orgId, agentId, id) as Row | undefined;
    return row && toKey(row);
  }

  /** The agent's newest key that is not revoked. */
  newest(orgId: string, agentId: string): PublishableKey | undefined {
    const row = this.db
      .prepare(`SELECT ${COLUMNS} FROM publishable_keys WHERE org_id = ? AND agent_id = ? AND revoked_at IS NULL ORDER BY id DESC LIMIT 1`)
      .get(orgId, agentId) as Row | undefined;
    return row && toKey(row);
  }

  list(orgId: string, agentId: string, page: PageRequest): Page<PublishableKey> {
    const clause = pageClause(page);
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM publishable_keys WHERE org_id = ? AND agent_id = ? AND revoked_at IS NULL ${clause.sql}`)
      .all(orgId, agentId, ...clause.params) as Row[];
    return toPage(rows.map(toKey), page.limit);
  }

  update(id: string, settings: Partial<KeySettings>): void {
    const current = this.db.prepare(`SELECT ${COLUMNS} FROM publishable_keys WHERE id = ?`).get(id) as Row;
    const merged = { ...toKey(current), ...Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) };
    this.db
      .prepare(
        `UPDATE publishable_keys SET name = ?, allowed_origins = ?, rate_limit_rpm = ?, require_identity_verification = ?, updated_at = ?
         WHERE id = ?`,
      )
      .run(merged.name, JSON.stringify(merged.allowedOrigins), merged.rateLimitRpm, Number(merged.requireIdentityVerification), this.now().toISOString(), id);
    this.changed();
  }

  /** Issue a new value; the current one keeps working for `graceSeconds`. */
  rotate(key: PublishableKey, graceSeconds: number): void {
    const value = mintValue(key.env);
    const at = this.now();
    this.db
      .prepare(
        `UPDATE publishable_keys SET previous_hash = secret_hash, previous_expires_at = ?, secret_hash = ?, key_public = ?, updated_at = ?
         WHERE id = ?`,
      )
      .run(new Date(at.getTime() + graceSeconds * 1000).toISOString(), hashToken(value), value, at.toISOString(), key.id);
    this.changed();
  }

  /** Revoke every key of an agent (when the agent is deleted). */
  revokeAll(orgId: string, agentId: string): void {
    this.db
      .prepare('UPDATE publishable_keys SET revoked_at = ?, previous_hash = NULL WHERE org_id = ? AND agent_id = ? AND revoked_at IS NULL')
      .run(this.now().toISOString(), orgId, agentId);
    this.changed();
  }

  revoke(id: string): void {
    this.db.prepare('UPDATE publishable_keys SET revoked_at = ?, previous_hash = NULL WHERE id = ?').run(this.now().toISOString(), id);
    this.changed();
  }
}
