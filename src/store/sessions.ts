/** Dashboard sessions (flowyte_sess_…): minted for a user, listed, renewed and revoked; stored hashed. */
import type { Db } from './db.ts';
import { newId } from '../ids.ts';
import { hashToken, mintToken } from '../auth/tokens.ts';
import { pageClause, toPage, type Page, type PageRequest } from './page.ts';

export interface Session {
  id: string;
  orgId: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  /** Recorded at most once a minute (see CredentialStore.recordUse). */
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** What resolving a presented token needs; expiry is checked on every use, not cached away. */
export interface SessionCredential {
  id: string;
  orgId: string;
  userId: string;
  expiresAt: string;
}

interface Row {
  id: string;
  org_id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const COLUMNS = 'id, org_id, user_id, created_at, expires_at, last_used_at, revoked_at';
const DAY_MS = 86_400_000;
/** How long a session lasts unless its maker says otherwise. */
export const DEFAULT_SESSION_DAYS = 30;

function toSession(row: Row): Session {
  return {
    id: row.id,
    orgId: row.org_id,
    userId: row.user_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export class SessionStore {
  /** `changed` runs after any change that can affect which tokens authenticate (cache invalidation). */
  constructor(private readonly db: Db, private readonly now: () => Date, private readonly changed: () => void) {}

  /** Mint a session for a user; the token is returned here and never again. */
  create(orgId: string, userId: string, expiresInDays: number): { session: Session; token: string } {
    const token = mintToken('session');
    const id = newId('session');
    const createdAt = this.now();
    this.db
      .prepare('INSERT INTO sessions (id, org_id, user_id, secret_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, orgId, userId, hashToken(token), createdAt.toISOString(), this.daysFromNow(expiresInDays));
    return { session: this.find(orgId, id) as Session, token };
  }

  /** A session of the org that is not revoked (expired ones are still found: they are listed too). */
  find(orgId: string, id: string): Session | undefined {
    const row = this.db
      .prepare(`SELECT ${COLUMNS} FROM sessions WHERE org_id = ? AND id = ? AND revoked_at IS NULL`)
      .get(orgId, id) as Row | undefined;
    return row && toSession(row);
  }

  /** The org's sessions (every user's) that are not revoked, newest first. */
  list(orgId: string, page: PageRequest): Page<Session> {
    const clause = pageClause(page);
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM sessions WHERE org_id = ? AND revoked_at IS NULL ${clause.sql}`)
      .all(orgId, ...clause.params) as Row[];
    return toPage(rows.map(toSession), page.limit);
  }

  findByTokenHash(hash: string): SessionCredential | undefined {
    const row = this.db
      .prepare('SELECT id, org_id, user_id, expires_at FROM sessions WHERE secret_hash = ? AND revoked_at IS NULL')
      .get(hash) as { id: string; org_id: string; user_id: string; expires_at: string } | undefined;
    return row && { id: row.id, orgId: row.org_id, userId: row.user_id, expiresAt: row.expires_at };
  }

  /** Move the expiry to `expiresInDays` from now; the token stays the same. */
  renew(session: Session, expiresInDays: number): Session {
    this.db.prepare('UPDATE sessions SET expires_at = ? WHERE id = ?').run(this.daysFromNow(expiresInDays), session.id);
    this.changed();
    return this.find(session.orgId, session.id) as Session;
  }

  /** Stop the session at once. */
  revoke(session: Session): string {
    const revokedAt = this.now().toISOString();
    this.db.prepare('UPDATE sessions SET revoked_at = ? WHERE id = ?').run(revokedAt, session.id);
    this.changed();
    return revokedAt;
  }

  recordUse(id: string, at: string): void {
    this.db.prepare('UPDATE sessions SET last_used_at = ? WHERE id = ?').run(at, id);
  }

  private daysFromNow(days: number): string {
    return new Date(this.now().getTime() + days * DAY_MS).toISOString();
  }
}
