/** Orgs, users and the credentials that resolve to them (secret keys, sessions, publishable keys). */
import type { Db } from './db.ts';
import { writeTransaction } from './db.ts';
import { newId } from '../ids.ts';
import { hashToken } from '../auth/tokens.ts';
import type { Scope } from '../auth/scopes.ts';
import { ApiKeyStore, type ApiKeyCredential } from './api-keys.ts';
import { DEFAULT_SESSION_DAYS, SessionStore, type SessionCredential } from './sessions.ts';

export interface Org {
  id: string;
  name: string;
  createdAt: string;
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

/** How long a resolved credential is trusted before it is read again (bounds revocation delay). */
const CREDENTIAL_CACHE_MS = 10_000;
const CACHE_LIMIT = 10_000;
/** `last_used_at` is written at most this often per credential, so resolving stays a read. */
const USE_WRITE_INTERVAL_MS = 60_000;

/** Whether a credential whose validity ends at `validUntil` (null: never) is still good at `now`. */
function stillValid(validUntil: string | null, now: Date): boolean {
  return validUntil === null || validUntil > now.toISOString();
}

export class CredentialStore {
  private readonly cache = new Map<string, { value: unknown; until: number }>();
  /** When each credential's use was last written (clock ms), keyed `key:<id>` / `session:<id>`. */
  private readonly useWritten = new Map<string, number>();
  /** Secret keys: every change that affects which secrets resolve forgets the cache at once. */
  readonly apiKeys: ApiKeyStore;
  /** Dashboard sessions, likewise. */
  readonly sessions: SessionStore;

  constructor(private readonly db: Db, private readonly now: () => Date) {
    this.apiKeys = new ApiKeyStore(db, now, () => this.forget());
    this.sessions = new SessionStore(db, now, () => this.forget());
  }

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
      const minted = this.apiKeys.create(org.id, { name: 'Default key', scopes });
      const signedIn = this.sessions.create(org.id, userId, DEFAULT_SESSION_DAYS);
      return {
        org,
        userId,
        apiKey: { id: minted.key.id, secret: minted.secret },
        session: { id: signedIn.session.id, token: signedIn.token },
      };
    });
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

  /** The key a secret belongs to, if it is neither revoked nor past its expiry (or its rotation grace window). */
  findApiKey(secret: string): ApiKeyCredential | undefined {
    const hash = hashToken(secret);
    // The cache holds the row with its end time, so expiry is exact even while the row is cached.
    const key = this.remembered(`key:${hash}`, () => this.apiKeys.findBySecretHash(hash));
    return key && stillValid(key.validUntil, this.now()) ? key : undefined;
  }

  /** The session a token belongs to, if it is neither revoked nor expired. */
  findSession(token: string): SessionCredential | undefined {
    const hash = hashToken(token);
    const session = this.remembered(`session:${hash}`, () => this.sessions.findByTokenHash(hash));
    return session && stillValid(session.expiresAt, this.now()) ? session : undefined;
  }

  /**
   * Note that a key or session was just used. Written through at most once a minute per
   * credential (remembered here), so the hot path stays a cached read.
   */
  recordUse(kind: 'key' | 'session', id: string): void {
    const at = this.now();
    const remembered = `${kind}:${id}`;
    const written = this.useWritten.get(remembered);
    if (written !== undefined && at.getTime() - written < USE_WRITE_INTERVAL_MS) return;
    if (this.useWritten.size >= CACHE_LIMIT) this.useWritten.clear();
    this.useWritten.set(remembered, at.getTime());
    (kind === 'key' ? this.apiKeys : this.sessions).recordUse(id, at.toISOString());
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
