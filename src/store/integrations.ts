/** Integration connections (credentials sealed at rest), OAuth states, discovered schemas and scoping. */
import { createHash } from 'node:crypto';
import type { Db } from './db.ts';
import { open, seal } from '../runtime/integrations/crypto.ts';
import { NO_SCOPING, type NormalizedSchema, type Scoping } from '../runtime/integrations/schema.ts';

export interface Connection {
  orgId: string;
  kind: string;
  accountLabel: string | null;
  connectedAt: string;
  updatedAt: string;
}

export interface StoredSchema {
  schema: NormalizedSchema;
  discoveredAt: string;
}

const hashState = (state: string) => createHash('sha256').update(state).digest('hex');
const CONNECTION_COLUMNS = 'org_id AS orgId, kind, account_label AS accountLabel, connected_at AS connectedAt, updated_at AS updatedAt';

export class IntegrationStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    /** Seals and opens credentials; never leaves this class. */
    private readonly key: Buffer,
  ) {}

  /** Store (or replace) the org's connection to `kind`. */
  connect(orgId: string, kind: string, credentials: Record<string, unknown>, accountLabel: string | null): Connection {
    const at = this.now().toISOString();
    this.db
      .prepare(
        `INSERT INTO integration_connections (org_id, kind, account_label, credentials, connected_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (org_id, kind) DO UPDATE SET account_label = excluded.account_label, credentials = excluded.credentials, updated_at = excluded.updated_at`,
      )
      .run(orgId, kind, accountLabel, seal(this.key, `${orgId}:${kind}`, credentials), at, at);
    return this.find(orgId, kind)!;
  }

  /** Swap the credentials of a connection in place (a refreshed OAuth token): not a reconnection. */
  replaceCredentials(orgId: string, kind: string, credentials: Record<string, unknown>): void {
    this.db
      .prepare('UPDATE integration_connections SET credentials = ? WHERE org_id = ? AND kind = ?')
      .run(seal(this.key, `${orgId}:${kind}`, credentials), orgId, kind);
  }

  find(orgId: string, kind: string): Connection | undefined {
    return this.db.prepare(`SELECT ${CONNECTION_COLUMNS} FROM integration_connections WHERE org_id = ? AND kind = ?`).get(orgId, kind) as Connection | undefined;
  }

  list(orgId: string): Connection[] {
    return this.db.prepare(`SELECT ${CONNECTION_COLUMNS} FROM integration_connections WHERE org_id = ? ORDER BY kind`).all(orgId) as Connection[];
  }

  /** The connection's credentials, for a provider call; undefined when not connected. */
  credentials(orgId: string, kind: string): Record<string, unknown> | undefined {
    const row = this.db.prepare('SELECT credentials FROM integration_connections WHERE org_id = ? AND kind = ?').get(orgId, kind) as { credentials: Buffer } | undefined;
    return row && open<Record<string, unknown>>(this.key, `${orgId}:${kind}`, row.credentials);
  }

  /** Forget the connection, its credentials and its discovered schema (scoping stays). */
  disconnect(orgId: string, kind: string): boolean {
    this.db.prepare('DELETE FROM integration_schemas WHERE org_id = ? AND kind = ?').run(orgId, kind);
    return this.db.prepare('DELETE FROM integration_connections WHERE org_id = ? AND kind = ?').run(orgId, kind).changes > 0;
  }

  /** Remember an OAuth state until it comes back (or expires). */
  createOAuthState(orgId: string, kind: string, state: string, expiresAt: string): void {
    this.db.prepare('INSERT INTO oauth_states (state_hash, org_id, kind, expires_at) VALUES (?, ?, ?, ?)').run(hashState(state), orgId, kind, expiresAt);
  }

  /** Use a state once: its org and provider, or undefined when unknown, used or expired. */
  consumeOAuthState(state: string): { orgId: string; kind: string } | undefined {
    const at = this.now().toISOString();
    const row = this.db
      .prepare('UPDATE oauth_states SET used_at = ? WHERE state_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING org_id AS orgId, kind')
      .get(at, hashState(state), at) as { orgId: string; kind: string } | undefined;
    return row;
  }

  saveSchema(orgId: string, kind: string, schema: NormalizedSchema): StoredSchema {
    const at = this.now().toISOString();
    this.db
      .prepare(
        `INSERT INTO integration_schemas (org_id, kind, schema, discovered_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (org_id, kind) DO UPDATE SET schema = excluded.schema, discovered_at = excluded.discovered_at`,
      )
      .run(orgId, kind, JSON.stringify(schema), at);
    return { schema, discoveredAt: at };
  }

  /** The last discovered schema, unscoped. */
  schema(orgId: string, kind: string): StoredSchema | undefined {
    const row = this.db.prepare('SELECT schema, discovered_at AS discoveredAt FROM integration_schemas WHERE org_id = ? AND kind = ?').get(orgId, kind) as
      | { schema: string; discoveredAt: string }
      | undefined;
    return row && { schema: JSON.parse(row.schema) as NormalizedSchema, discoveredAt: row.discoveredAt };
  }

  scoping(orgId: string, kind: string): Scoping {
    const row = this.db.prepare('SELECT blocked_tables AS tables, blocked_columns AS columns FROM integration_scoping WHERE org_id = ? AND kind = ?').get(orgId, kind) as
      | { tables: string; columns: string }
      | undefined;
    return row ? { blockedTables: JSON.parse(row.tables) as string[], blockedColumns: JSON.parse(row.columns) as Record<string, string[]> } : NO_SCOPING;
  }

  setScoping(orgId: string, kind: string, scoping: Scoping): Scoping {
    this.db
      .prepare(
        `INSERT INTO integration_scoping (org_id, kind, blocked_tables, blocked_columns, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (org_id, kind) DO UPDATE SET blocked_tables = excluded.blocked_tables, blocked_columns = excluded.blocked_columns, updated_at = excluded.updated_at`,
      )
      .run(orgId, kind, JSON.stringify(scoping.blockedTables), JSON.stringify(scoping.blockedColumns), this.now().toISOString());
    return this.scoping(orgId, kind);
  }
}
