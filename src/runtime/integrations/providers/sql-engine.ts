/**
 * What the SQL connector needs from one database engine (PostgreSQL, MySQL/MariaDB): a TLS session
 * opened on an already vetted address, its catalog read into plain rows, its quoting, and a plain
 * description of its errors. Everything else (the connection test, the normalized schema, compiling
 * operations) is shared and lives in the other sql-* modules.
 */
import { z } from 'zod';
import type { FieldType } from '../schema.ts';
import type { SetupScriptRequest, SetupScripts } from './sql-scripts.ts';

export const SSL_MODES = ['require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** The credentials a SQL connection takes (TLS is mandatory: there is no `disable`). */
export const sqlCredentials = z.object({
  host: z
    .string()
    .trim()
    .min(1)
    .max(253)
    .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.:_-]+)$/, 'must be a host name or an IP address')
    .describe('Host name or IP address of the database server.'),
  port: z
    .union([z.number().int().min(1).max(65535), z.string().regex(/^\d{1,5}$/, 'must be a port number')])
    .transform(Number)
    .pipe(z.number().int().min(1).max(65535))
    .optional()
    .describe('TCP port, a number or a string of digits; default 5432 for postgres, 3306 for mysql.'),
  database: z.string().min(1).max(64).describe('The database to connect to.'),
  user: z.string().min(1).max(80).describe('The login: a scoped user made with the setup scripts, never an admin.'),
  password: z.string().max(256).describe("The login's password."),
  sslmode: z
    .enum(SSL_MODES, { error: 'must be require, verify-ca or verify-full: unencrypted connections are refused' })
    .default('verify-full')
    .describe('require: encrypted, certificate unchecked; verify-ca: signed by a trusted CA; verify-full (default): also issued for this host.'),
  ca_pem: z.string().max(20_000).optional().describe("PEM of the CA that signed the server's certificate, for a private CA."),
});
export type SqlCredentials = z.output<typeof sqlCredentials>;

/** Where to open a session: the address already vetted, the name certificates are checked against. */
export interface SqlTarget {
  /** The host as the user gave it (certificate checks and labels). */
  hostname: string;
  /** The vetted IP address the socket goes to. */
  address: string;
  port: number;
  credentials: SqlCredentials;
}

export interface SessionOptions {
  connectTimeoutMs: number;
  /** Longest one statement may run (the server cancels it; the client gives up shortly after). */
  statementTimeoutMs: number;
}

export interface QueryResult {
  rows: Record<string, unknown>[];
  /** Rows a write matched. */
  rowCount: number;
  /** MySQL: the AUTO_INCREMENT value an INSERT produced. */
  insertId?: number;
}

/** One open connection to the database. */
export interface SqlSession {
  /** Run one statement with positional parameters (never values spliced into the text). */
  query(sql: string, params?: unknown[]): Promise<QueryResult>;
  /** The TLS protocol in use (TLSv1.3, …). */
  tlsProtocol(): string | null;
  close(): Promise<void>;
  /** Tear the socket down at once (an aborted call). */
  destroy(): void;
}

/** One column as the catalog describes it, with the login's privileges on it. */
export interface CatalogColumn {
  name: string;
  nativeType: string;
  type: FieldType;
  nullable: boolean;
  /** A default, an identity or an auto-increment fills it when an insert leaves it out. */
  hasDefault: boolean;
  /** Computed by the database: never written. */
  generated: boolean;
  comment?: string;
  /** Enumeration labels. */
  enumValues?: string[];
  canInsert: boolean;
  canUpdate: boolean;
}

export interface CatalogIndex {
  /** Key columns in order (expression and partial indexes are left out by the engines). */
  columns: string[];
  unique: boolean;
  primary: boolean;
}

/** A table (or view) the login can read, with what the catalog says about it. */
export interface CatalogTable {
  name: string;
  view: boolean;
  comment?: string;
  /** The planner's row estimate; undefined when the engine has none yet. */
  rowEstimate?: number;
  /** Only the columns the login may read. */
  columns: CatalogColumn[];
  indexes: CatalogIndex[];
  /** Single-column foreign keys. */
  foreignKeys: { column: string; table: string; targetColumn: string }[];
  /** Single-column CHECK constraints, as the engine prints them. */
  checks: { column: string; definition: string }[];
}

/** How an engine error reads: its class (which connection check failed) and a sentence safe to show. */
export interface ErrorDescription {
  kind: 'network' | 'tls' | 'auth' | 'permission' | 'read_only' | 'timeout' | 'invalid' | 'other';
  message: string;
}

export interface SqlEngine {
  kind: 'postgres' | 'mysql';
  /** The product name, for messages. */
  name: string;
  defaultPort: number;
  open(target: SqlTarget, options: SessionOptions): Promise<SqlSession>;
  /** Quote an identifier (a name taken from the stored schema, never from a caller). */
  quote(identifier: string): string;
  /** The positional parameter marker for the nth (1-based) parameter. */
  placeholder(index: number): string;
  /** Statements opening a read-only and a read-write transaction. */
  beginReadOnly: string;
  beginReadWrite: string;
  /** The tables the login can read in the connected database's user schema. */
  catalog(session: SqlSession): Promise<CatalogTable[]>;
  /** Why the login counts as an admin (superuser, global write privileges), or null. */
  adminReason(session: SqlSession): Promise<string | null>;
  /** Insert one row; answers the new row's `select` columns (`keyColumn` finds it where the engine has no RETURNING). */
  insertOne(session: SqlSession, table: string, values: Record<string, unknown>, select: string[], keyColumn: string | undefined): Promise<Record<string, unknown> | null>;
  describeError(error: unknown): ErrorDescription;
  setupScripts(request: SetupScriptRequest): SetupScripts;
}
