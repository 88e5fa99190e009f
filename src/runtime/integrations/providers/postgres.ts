/** PostgreSQL, through the `pg` driver: the `public` schema of the connected database. */
import type Pg from 'pg';
import { lazyRequire } from '../../../lazy-require.ts';
import type { FieldType } from '../schema.ts';
import type { CatalogTable, ErrorDescription, SqlEngine, SqlSession } from './sql-engine.ts';
import { script, type SetupScriptRequest, type SetupScripts } from './sql-scripts.ts';
import { describeTransportError, tlsOptions } from './sql-tls.ts';
import { sqlProvider } from './sql-provider.ts';

// The driver loads when a PostgreSQL connection or script is first made, not at every start.
const pg = lazyRequire<typeof Pg>('pg');

const SCHEMA = 'public';
const OID = { date: 1082, timestamp: 1114 };

/** Dates and local timestamps stay the text the server sent (a Date would invent a time zone). */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === OID.date || oid === OID.timestamp ? (value: string) => value : pg().types.getTypeParser(oid, format)) as typeof Pg.types.getTypeParser,
};

function normalizedType(typeName: string, category: string): FieldType {
  if (category === 'A') return 'json';
  if (['int2', 'int4', 'int8', 'oid'].includes(typeName)) return 'integer';
  if (['numeric', 'float4', 'float8', 'money'].includes(typeName)) return 'number';
  if (typeName === 'bool') return 'boolean';
  if (typeName === 'date') return 'date';
  if (typeName === 'timestamp' || typeName === 'timestamptz') return 'datetime';
  if (typeName === 'json' || typeName === 'jsonb') return 'json';
  return 'string';
}

async function open(target: Parameters<SqlEngine['open']>[0], options: Parameters<SqlEngine['open']>[1]): Promise<SqlSession> {
  const { credentials } = target;
  const { Client } = pg();
  const client = new Client({
    host: target.address,
    port: target.port,
    user: credentials.user,
    password: credentials.password,
    database: credentials.database,
    ssl: tlsOptions(target),
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    query_timeout: options.statementTimeoutMs + 1000,
    application_name: 'flowyte',
    types,
  });
  // A connection dropped between statements surfaces on the next query; without a listener it would crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  return {
    async query(sql, params = []) {
      const result = await client.query(sql, params);
      return { rows: result.rows as Record<string, unknown>[], rowCount: result.rowCount ?? 0 };
    },
    tlsProtocol() {
      const stream = (client as unknown as { connection?: { stream?: { getProtocol?: () => string | null } } }).connection?.stream;
      return stream?.getProtocol?.() ?? null;
    },
    close: () => client.end(),
    destroy() {
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    },
  };
}

interface TableRow { oid: number; name: string; kind: string; estimate: number; comment: string | null }
interface ColumnRow {
  table_oid: number; name: string; native_type: string; type_name: string; category: string; not_null: boolean; has_default: boolean;
  generated: boolean; comment: string | null; can_insert: boolean; can_update: boolean; enum_values: string[] | null;
}

async function catalog(session: SqlSession): Promise<CatalogTable[]> {
  const tables = (await session.query(
    `SELECT c.oid::int AS oid, c.relname AS name, c.relkind AS kind, c.reltuples::float8 AS estimate, obj_description(c.oid, 'pg_class') AS comment
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND has_any_column_privilege(c.oid, 'SELECT')
      ORDER BY c.relname`,
    [SCHEMA],
  )).rows as unknown as TableRow[];
  const oids = tables.map((table) => table.oid);
  const columns = (await session.query(
    `SELECT a.attrelid::int AS table_oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS native_type,
            b.typname AS type_name, b.typcategory AS category, a.attnotnull AS not_null,
            (a.atthasdef OR a.attidentity <> '') AS has_default, a.attgenerated <> '' AS generated, col_description(a.attrelid, a.attnum) AS comment,
            has_column_privilege(a.attrelid, a.attnum, 'INSERT') AS can_insert, has_column_privilege(a.attrelid, a.attnum, 'UPDATE') AS can_update,
            (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = b.oid) AS enum_values
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
       JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
      WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped AND has_column_privilege(a.attrelid, a.attnum, 'SELECT')
      ORDER BY a.attrelid, a.attnum`,
    [oids],
  )).rows as unknown as ColumnRow[];
  // Plain (not partial, not expression) indexes, key columns in order.
  const indexes = (await session.query(
    `SELECT i.indrelid::int AS table_oid, i.indisunique AS is_unique, i.indisprimary AS is_primary,
            array(SELECT a.attname::text FROM unnest(i.indkey[0:i.indnkeyatts - 1]) WITH ORDINALITY k(attnum, position)
                  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.position) AS columns
       FROM pg_index i
      WHERE i.indrelid = ANY($1::oid[]) AND i.indpred IS NULL AND i.indexprs IS NULL`,
    [oids],
  )).rows as { table_oid: number; is_unique: boolean; is_primary: boolean; columns: string[] }[];
  const constraints = (await session.query(
    `SELECT c.conrelid::int AS table_oid, c.contype AS type, a.attname AS column, r.relname AS target, ra.attname AS target_column,
            pg_get_constraintdef(c.oid) AS definition
       FROM pg_constraint c
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       LEFT JOIN pg_class r ON r.oid = c.confrelid
       LEFT JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
      WHERE c.conrelid = ANY($1::oid[]) AND c.contype IN ('f', 'c') AND cardinality(c.conkey) = 1
        AND (c.contype = 'c' OR r.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = $2))`,
    [oids, SCHEMA],
  )).rows as { table_oid: number; type: string; column: string; target: string | null; target_column: string | null; definition: string }[];

  return tables.map((table) => ({
    name: table.name,
    view: table.kind === 'v' || table.kind === 'm',
    comment: table.comment ?? undefined,
    // reltuples is -1 (or 0 on old servers) until the table was first analyzed.
    rowEstimate: table.estimate >= 0 ? Math.round(table.estimate) : undefined,
    columns: columns
      .filter((column) => column.table_oid === table.oid)
      .map((column) => ({
        name: column.name,
        nativeType: column.native_type,
        type: normalizedType(column.type_name, column.category),
        nullable: !column.not_null,
        hasDefault: column.has_default || column.generated,
        generated: column.generated,
        comment: column.comment ?? undefined,
        enumValues: column.enum_values ?? undefined,
        canInsert: column.can_insert,
        canUpdate: column.can_update,
      })),
    indexes: indexes.filter((index) => index.table_oid === table.oid).map((index) => ({ columns: index.columns, unique: index.is_unique, primary: index.is_primary })),
    foreignKeys: constraints
      .filter((constraint) => constraint.table_oid === table.oid && constraint.type === 'f')
      .map((constraint) => ({ column: constraint.column, table: constraint.target!, targetColumn: constraint.target_column! })),
    checks: constraints
      .filter((constraint) => constraint.table_oid === table.oid && constraint.type === 'c')
      .map((constraint) => ({ column: constraint.column, definition: constraint.definition })),
  }));
}

const SQLSTATE_MESSAGES: Record<string, ErrorDescription> = {
  '28P01': { kind: 'auth', message: 'authentication failed: wrong user or password' },
  '28000': { kind: 'auth', message: 'this login is not allowed to connect (pg_hba.conf)' },
  '3D000': { kind: 'auth', message: 'the database does not exist' },
  '42501': { kind: 'permission', message: 'the login lacks the privilege for this statement' },
  '25006': { kind: 'read_only', message: 'the session is read-only' },
  '57014': { kind: 'timeout', message: 'the statement took too long and was cancelled' },
  '22P02': { kind: 'invalid', message: 'a value has the wrong format for its column' },
  '23505': { kind: 'invalid', message: 'a record with this value already exists' },
  '23502': { kind: 'invalid', message: 'a required column was left empty' },
  '23503': { kind: 'invalid', message: 'a value refers to a record that does not exist' },
  '23514': { kind: 'invalid', message: "a value is not one the column's check allows" },
};

function describeError(error: unknown): ErrorDescription {
  const transport = describeTransportError(error);
  if (transport) return transport;
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (code && SQLSTATE_MESSAGES[code]) return SQLSTATE_MESSAGES[code];
  if (/Query read timeout/.test(message ?? '')) return { kind: 'timeout', message: 'the statement took too long' };
  if (/terminated|Connection terminated/i.test(message ?? '')) return { kind: 'network', message: 'the connection was closed' };
  return { kind: 'other', message: code ? `the statement failed (SQLSTATE ${code})` : 'the call failed' };
}

const quote = (identifier: string) => pg().escapeIdentifier(identifier);

function setupScripts(request: SetupScriptRequest): SetupScripts {
  const { database, readOnlyUser, writeUser, tables } = request;
  // escapeLiteral prefixes E-strings with a space.
  const password = pg().escapeLiteral(request.password).trim();
  const readerGrants = (user: string) => [
    `GRANT CONNECT ON DATABASE ${quote(database)} TO ${quote(user)};`,
    `GRANT USAGE ON SCHEMA ${SCHEMA} TO ${quote(user)};`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA ${SCHEMA} TO ${quote(user)};`,
    '-- Tables created later (by the role running this script) are readable too.',
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${SCHEMA} GRANT SELECT ON TABLES TO ${quote(user)};`,
  ];
  const readOnly = script([
    `-- Run as an admin connected to database ${quote(database)} (psql -d ${database}).`,
    '-- A login that can only read: SELECT on every table and view of schema public, now and later.',
    `CREATE ROLE ${quote(readOnlyUser)} LOGIN PASSWORD ${password};`,
    '-- Every transaction of this login is read-only unless it asks otherwise.',
    `ALTER ROLE ${quote(readOnlyUser)} SET default_transaction_read_only = on;`,
    ...readerGrants(readOnlyUser),
  ]);
  const tableList = tables.map((table) => `${SCHEMA}.${quote(table)}`).join(', ');
  const write =
    tables.length === 0
      ? null
      : script([
          `-- Run as an admin connected to database ${quote(database)}, only if the agent must write.`,
          `-- Reads like the read-only login; INSERT and UPDATE on exactly: ${tables.join(', ')}. No DELETE, nothing else.`,
          `CREATE ROLE ${quote(writeUser)} LOGIN PASSWORD ${password};`,
          ...readerGrants(writeUser),
          `GRANT INSERT, UPDATE ON TABLE ${tableList} TO ${quote(writeUser)};`,
          '-- Serial and identity columns of those tables draw from sequences: allow exactly those.',
          'DO $grant$',
          'DECLARE sequence_name text;',
          'BEGIN',
          '  FOR sequence_name IN',
          `    SELECT pg_get_serial_sequence(format('${SCHEMA}.%I', table_name), column_name) FROM information_schema.columns`,
          `     WHERE table_schema = '${SCHEMA}' AND table_name IN (${tables.map((table) => pg().escapeLiteral(table)).join(', ')})`,
          '  LOOP',
          '    IF sequence_name IS NOT NULL THEN',
          `      EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %I', sequence_name, ${pg().escapeLiteral(writeUser)});`,
          '    END IF;',
          '  END LOOP;',
          'END',
          '$grant$;',
        ]);
  return { readOnly: { user: readOnlyUser, sql: readOnly }, write: write === null ? null : { user: writeUser, tables, sql: write } };
}

export const postgresEngine: SqlEngine = {
  kind: 'postgres',
  name: 'PostgreSQL',
  defaultPort: 5432,
  open,
  quote,
  placeholder: (index) => `$${index}`,
  beginReadOnly: 'BEGIN READ ONLY',
  beginReadWrite: 'BEGIN READ WRITE',
  catalog,
  async adminReason(session) {
    const { rows } = await session.query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
    return rows[0]?.rolsuper ? 'the login is a superuser' : null;
  },
  async insertOne(session, table, values, select) {
    const columns = Object.keys(values);
    const sql =
      columns.length === 0
        ? `INSERT INTO ${quote(table)} DEFAULT VALUES RETURNING ${select.map(quote).join(', ')}`
        : `INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES (${columns.map((_, index) => `$${index + 1}`).join(', ')}) RETURNING ${select.map(quote).join(', ')}`;
    const { rows } = await session.query(sql, Object.values(values));
    return rows[0] ?? null;
  },
  describeError,
  setupScripts,
};

export const postgres = sqlProvider(postgresEngine, {
  name: 'PostgreSQL',
  description: 'Your own PostgreSQL database: discover its tables, scope out sensitive columns, and bind parameterized reads (and scoped writes) as skills.',
  logo: 'postgresql',
});
