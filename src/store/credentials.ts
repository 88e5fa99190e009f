/** Orgs, users and the credentials that resolve to them (secret keys, sessions, publishable keys). */
import type { Db } from './db.ts';
import { writeTransaction } from './db.ts';
import { newId } from '../ids.ts';
import { hashToken, mintToken } from '../auth/tokens.ts';
import type { Scope } from '../auth/scopes.ts';

export interface Org {
  id: string;
  name: string;
  createdAt: string;
}

export interface ApiKeyRecord {
  id: string;
  orgId: string;
  name: string;
  scopes: Scope[];
}

export interface SessionRecord {
  id: string;
  orgId: string;
  userId: string;
}

export interface PublishableKeyRecord {
  id: string;
  orgId: string;
  agentId: string;
  allowedOrigins: string[];
  rateLimitRpm: number | null;
}

export interface Bootstrap {
  org: Org;
  userId: string;
  apiKey: { id: string; secret: string };
  session: { id: string; token: string };
}

const SESSION_DAYS = 30;
/** How long a resolved credential is trusted before it is read again (bounds revocation delay). */
const CREDENTIAL_CACHE_MS = 10_000;
const CACHE_LIMIT = 10_000;

export class CredentialStore {
  private readonly cache = new Map<string, { value: unknown; until: number }>();

  constructor(private readonly db: Db, private readonly now: () => Date) {}

  /** Found credentials and orgs are kept briefly in memory: every request resolves one. */
  private remembered<T>(key: string, load: () => T | undefined): T | undefined {
    const at = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > at) return hit.value as T;
    const value = load();
    if (value !== undefined) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(key, { value, until: at + CREDENTIAL_CACHE_MS });
    }
    return value;
  }

  /** Drop everything remembered, e.g. after a key is revoked. */
  forget(): void {
    this.cache.clear();
  }

  /** Create an org with its first user, a full-scope secret key and a dashboard session. */
  bootstrapOrg(name: string, email: string, scopes: Scope[]): Bootstrap {
    return writeTransaction(this.db, () => {
      const createdAt = this.now().toISOString();
      const org: Org = { id: newId('org'), name, createdAt };
      this.db.prepare('INSERT INTO orgs (id, name, created_at) VALUES (?, ?, ?)').run(org.id, name, createdAt);
      const userId = newId('user');
      this.db
        .prepare('INSERT INTO users (id, org_id, email, name, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(userId, org.id, email, email.split('@')[0], createdAt);
      const apiKey = this.createApiKey(org.id, 'Default key', scopes);
      const session = this.createSession(org.id, userId);
      return { org, userId, apiKey, session };
    });
  }

  /** Mint a secret key; the secret is returned here and never again. */
  createApiKey(orgId: string, name: string, scopes: Scope[]): { id: string; secret: string } {
    const secret = mintToken('secretKey');
    const id = newId('apiKey');
    this.db
      .prepare(
        `INSERT INTO api_keys (id, org_id, name, secret_hash, last_four, scopes, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, orgId, name, hashToken(secret), secret.slice(-4), JSON.stringify(scopes), this.now().toISOString());
    return { id, secret };
  }

  createSession(orgId: string, userId: string): { id: string; token: string } {
    const token = mintToken('session');
    const id = newId('session');
    const createdAt = this.now();
    const expiresAt = new Date(createdAt.getTime() + SESSION_DAYS * 86_400_000);
    this.db
      .prepare('INSERT INTO sessions (id, org_id, user_id, secret_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, orgId, userId, hashToken(token), createdAt.toISOString(), expiresAt.toISOString());
    return { id, token };
  }

  hasOrgs(): boolean {
    return this.db.prepare('SELECT 1 FROM orgs LIMIT 1').get() !== undefined;
  }

  /** Every org in the database, oldest first (the host CLI picks the only one). */
  listOrgs(): Org[] {
    return this.db.prepare('SELECT id, name, created_at AS createdAt FROM orgs ORDER BY created_at, id').all() as Org[];
  }

  /** The org's owner: its first user, the one bootstrapOrg created. */
  ownerId(orgId: string): string | undefined {
    return this.db.prepare('SELECT id FROM users WHERE org_id = ? ORDER BY created_at, id LIMIT 1').pluck().get(orgId) as string | undefined;
  }

  findOrg(orgId: string): Org | undefined {
    return this.remembered(`org:${orgId}`, () =>
      this.db.prepare('SELECT id, name, created_at AS createdAt FROM orgs WHERE id = ?').get(orgId) as Org | undefined,
    );
  }

  findApiKey(secret: string): ApiKeyRecord | undefined {
    const hash = hashToken(secret);
    return this.remembered(`key:${hash}`, () => {
      const row = this.db
        .prepare('SELECT id, org_id, name, scopes FROM api_keys WHERE secret_hash = ? AND revoked_at IS NULL')
        .get(hash) as { id: string; org_id: string; name: string; scopes: string } | undefined;
      return row && { id: row.id, orgId: row.org_id, name: row.name, scopes: JSON.parse(row.scopes) as Scope[] };
    });
  }

  findSession(token: string): SessionRecord | undefined {
    const hash = hashToken(token);
    return this.remembered(`session:${hash}`, () => {
      const row = this.db
        .prepare('SELECT id, org_id, user_id FROM sessions WHERE secret_hash = ? AND expires_at > ?')
        .get(hash, this.now().toISOString()) as { id: string; org_id: string; user_id: string } | undefined;
      return row && { id: row.id, orgId: row.org_id, userId: row.user_id };
    });
  }

  /** A publishable key by its current value, or by its previous one during a rotation's grace window. */
  findPublishableKey(token: string): PublishableKeyRecord | undefined {
    const hash = hashToken(token);
    return this.remembered(`pk:${hash}`, () => {
      const row = this.db
        .prepare(
          `SELECT id, org_id, agent_id, allowed_origins, rate_limit_rpm FROM publishable_keys
           WHERE revoked_at IS NULL AND (secret_hash = ? OR (previous_hash = ? AND previous_expires_at > ?))`,
        )
        .get(hash, hash, this.now().toISOString()) as
        | { id: string; org_id: string; agent_id: string; allowed_origins: string; rate_limit_rpm: number | null }
        | undefined;
      return (
        row && {
          id: row.id,
          orgId: row.org_id,
          agentId: row.agent_id,
          allowedOrigins: JSON.parse(row.allowed_origins) as string[],
          rateLimitRpm: row.rate_limit_rpm,
        }
      );
    });
  }

  /** Read a server-wide setting, creating it with `initial()` the first time. */
  setting(key: string, initial: () => string): string {
    this.db.prepare('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)').run(key, initial());
    return this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string;
  }
}
