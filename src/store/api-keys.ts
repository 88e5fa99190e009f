/** Secret keys (flowyte_sk_…): minted, listed, rotated and revoked; only SHA-256 hashes are stored. */
import type { Db } from './db.ts';
import { newId } from '../ids.ts';
import { hashToken, mintToken } from '../auth/tokens.ts';
import type { Scope } from '../auth/scopes.ts';
import { pageClause, toPage, type Page, type PageRequest } from './page.ts';

export interface ApiKey {
  id: string;
  orgId: string;
  name: string;
  scopes: Scope[];
  lastFour: string;
  createdAt: string;
  /** Null: never expires. */
  expiresAt: string | null;
  /** Recorded at most once a minute (see CredentialStore.recordUse). */
  lastUsedAt: string | null;
  /** Until when the secret before the last rotation still works (may lie in the past). */
  previousExpiresAt: string | null;
  revokedAt: string | null;
}

/** What resolving a presented secret needs: who it is, and until when this secret is good. */
export interface ApiKeyCredential {
  id: string;
  orgId: string;
  name: string;
  scopes: Scope[];
  /** The earlier of the key's expiry and, for a rotated-out secret, its grace window; null: no end. */
  validUntil: string | null;
}

export interface NewApiKey {
  name: string;
  scopes: Scope[];
  expiresAt?: string | null;
}

interface Row {
  id: string;
  org_id: string;
  name: string;
  scopes: string;
  last_four: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  previous_expires_at: string | null;
  revoked_at: string | null;
}

const COLUMNS = 'id, org_id, name, scopes, last_four, created_at, expires_at, last_used_at, previous_expires_at, revoked_at';

function toKey(row: Row): ApiKey {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    scopes: JSON.parse(row.scopes) as Scope[],
    lastFour: row.last_four,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    previousExpiresAt: row.previous_expires_at,
    revokedAt: row.revoked_at,
  };
}

/** The earlier of two optional end times (null means no end). */
function earlier(first: string | null, second: string | null): string | null {
  if (first === null) return second;
  if (second === null) return first;
  return first < second ? first : second;
}

export class ApiKeyStore {
  /** `changed` runs after any change that can affect which secrets authenticate (cache invalidation). */
  constructor(private readonly db: Db, private readonly now: () => Date, private readonly changed: () => void) {}

  /** Mint a key; the secret is returned here and never again (only its hash is kept). */
  create(orgId: string, key: NewApiKey): { key: ApiKey; secret: string } {
    const secret = mintToken('secretKey');
    const id = newId('apiKey');
    this.db
      .prepare(
        `INSERT INTO api_keys (id, org_id, name, secret_hash, last_four, scopes, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, orgId, key.name, hashToken(secret), secret.slice(-4), JSON.stringify(key.scopes), this.now().toISOString(), key.expiresAt ?? null);
    return { key: this.find(orgId, id) as ApiKey, secret };
  }

  /** A key of the org that is not revoked (expired keys are still found: they are listed too). */
  find(orgId: string, id: string): ApiKey | undefined {
    const row = this.db
      .prepare(`SELECT ${COLUMNS} FROM api_keys WHERE org_id = ? AND id = ? AND revoked_at IS NULL`)
      .get(orgId, id) as Row | undefined;
    return row && toKey(row);
  }

  /** The org's keys that are not revoked, newest first. */
  list(orgId: string, page: PageRequest): Page<ApiKey> {
    const clause = pageClause(page);
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM api_keys WHERE org_id = ? AND revoked_at IS NULL ${clause.sql}`)
      .all(orgId, ...clause.params) as Row[];
    return toPage(rows.map(toKey), page.limit);
  }

  /** The key a presented secret belongs to, by its current hash or its previous one; expiry is the caller's check. */
  findBySecretHash(hash: string): ApiKeyCredential | undefined {
    const row = this.db
      .prepare(
        `SELECT id, org_id, name, scopes, secret_hash, expires_at, previous_expires_at FROM api_keys
         WHERE revoked_at IS NULL AND (secret_hash = ? OR previous_hash = ?)`,
      )
      .get(hash, hash) as
      | { id: string; org_id: string; name: string; scopes: string; secret_hash: string; expires_at: string | null; previous_expires_at: string | null }
      | undefined;
    if (!row) return undefined;
    const current = row.secret_hash === hash;
    return {
      id: row.id,
      orgId: row.org_id,
      name: row.name,
      scopes: JSON.parse(row.scopes) as Scope[],
      validUntil: current ? row.expires_at : earlier(row.expires_at, row.previous_expires_at),
    };
  }

  /**
   * Issue a new secret. The current one keeps working for `graceSeconds` (0: stops at once); a
   * secret still in the grace window of an earlier rotation stops now, so at most two ever work.
   */
  rotate(key: ApiKey, graceSeconds: number): { key: ApiKey; secret: string } {
    const secret = mintToken('secretKey');
    const graceEnds = graceSeconds > 0 ? new Date(this.now().getTime() + graceSeconds * 1000).toISOString() : null;
    this.db
      .prepare(
        `UPDATE api_keys SET previous_hash = CASE WHEN ? IS NULL THEN NULL ELSE secret_hash END, previous_expires_at = ?,
           secret_hash = ?, last_four = ? WHERE id = ?`,
      )
      .run(graceEnds, graceEnds, hashToken(secret), secret.slice(-4), key.id);
    this.changed();
    return { key: this.find(key.orgId, key.id) as ApiKey, secret };
  }

  /** Stop the key at once, including a rotated-out secret in its grace window. */
  revoke(key: ApiKey): string {
    const revokedAt = this.now().toISOString();
    this.db.prepare('UPDATE api_keys SET revoked_at = ?, previous_hash = NULL WHERE id = ?').run(revokedAt, key.id);
    this.changed();
    return revokedAt;
  }

  recordUse(id: string, at: string): void {
    this.db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(at, id);
  }
}
