/** MySQL and MariaDB, through the `mysql2` driver: the tables of the connected database. */
import net from 'node:net';
import type * as Mysql from 'mysql2/promise';
import { lazyRequire } from '../../../lazy-require.ts';
import type { FieldType } from '../schema.ts';
import type { CatalogTable, ErrorDescription, SqlEngine, SqlSession, SqlTarget } from './sql-engine.ts';
import { script, type SetupScriptRequest, type SetupScripts } from './sql-scripts.ts';
import { describeTransportError } from './sql-tls.ts';
import { sqlProvider } from './sql-provider.ts';

// The driver loads when a MySQL connection or script is first made, not at every start.
const mysql = lazyRequire<typeof Mysql>('mysql2/promise');

function normalizedType(dataType: string, columnType: string): FieldType {
  if (columnType === 'tinyint(1)' || dataType === 'bool' || dataType === 'boolean') return 'boolean';
  if (['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'year'].includes(dataType)) return 'integer';
  if (['decimal', 'numeric', 'float', 'double', 'real'].includes(dataType)) return 'number';
  if (dataType === 'date') return 'date';
  if (dataType === 'datetime' || dataType === 'timestamp') return 'datetime';
  if (dataType === 'json') return 'json';
  return 'string';
}

/** The quoted literals of an ENUM('a','b') or SET(…) column type. */
const literals = (text: string) => [...text.matchAll(/'((?:[^'\\]|''|\\.)*)'/g)].map((match) => match[1].replace(/''/g, "'").replace(/\\(.)/g, '$1'));

/** mysql2's TLS settings for the sslmode (it checks the name against `host`, which stays the host as given). */
function ssl(target: SqlTarget) {
  const { sslmode, ca_pem: caPem } = target.credentials;
  if (sslmode === 'require') return { rejectUnauthorized: false };
  return { rejectUnauthorized: true, ca: caPem ? [caPem] : undefined, verifyIdentity: sslmode === 'verify-full' };
}

async function open(target: SqlTarget, options: Parameters<SqlEngine['open']>[1]): Promise<SqlSession> {
  const { credentials } = target;
  const connection = await mysql().createConnection({
    host: target.hostname,
    port: target.port,
    // The socket goes to the vetted address; the host name above is only for the certificate check.
    stream: () => net.connect({ host: target.address, port: target.port }),
    user: credentials.user,
    password: credentials.password,
    database: credentials.database,
    ssl: ssl(target),
    connectTimeout: options.connectTimeoutMs,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    timezone: 'Z',
  });
  connection.on('error', () => {});
  const timeout = options.statementTimeoutMs + 1000;
  const session: SqlSession = {
    async query(sql, params = []) {
      // Prepared statements when there are values; plain text for statements MySQL cannot prepare.
      const [result] = params.length ? await connection.execute({ sql, timeout }, params.map(wireValue) as never) : await connection.query({ sql, timeout });
      if (Array.isArray(result)) return { rows: result as Record<string, unknown>[], rowCount: result.length };
      const header = result as Mysql.ResultSetHeader;
      return { rows: [], rowCount: header.affectedRows, insertId: header.insertId };
    },
    tlsProtocol() {
      // The promise wrapper keeps the callback connection, whose stream is the TLS socket once upgraded.
      const stream = (connection as unknown as { connection?: { stream?: { getProtocol?: () => string | null } } }).connection?.stream;
      return stream?.getProtocol?.() ?? null;
    },
    close: () => connection.end(),
    destroy: () => connection.destroy(),
  };
  try {
    const { rows } = await session.query('SELECT VERSION() AS version');
    const seconds = options.statementTimeoutMs / 1000;
    // MariaDB bounds every statement; MySQL only SELECTs (writes are bounded by the client timeout).
    await session.query(String(rows[0]?.version).includes('MariaDB') ? `SET SESSION max_statement_time = ${seconds}` : `SET SESSION max_execution_time = ${options.statementTimeoutMs}`);
  } catch (error) {
    connection.destroy();
    throw error;
  }
  return session;
}

/** Booleans as 1/0 and no undefined: what the binary protocol takes. */
const wireValue = (value: unknown) => (typeof value === 'boolean' ? Number(value) : value === undefined ? null : value);

/**
 * CHECK constraints: MariaDB lists them with their table (and shows a SELECT-only login nothing in
 * TABLE_CONSTRAINTS); MySQL 8.0.16+ only through TABLE_CONSTRAINTS; older servers have none to read.
 */
async function checkConstraints(session: SqlSession): Promise<{ table_name: string; definition: string }[]> {
  const queries = [
    'SELECT table_name AS table_name, check_clause AS definition FROM information_schema.check_constraints WHERE constraint_schema = DATABASE()',
    `SELECT t.table_name AS table_name, c.check_clause AS definition
       FROM information_schema.table_constraints t
       JOIN information_schema.check_constraints c ON c.constraint_schema = t.constraint_schema AND c.constraint_name = t.constraint_name
      WHERE t.table_schema = DATABASE() AND t.constraint_type = 'CHECK'`,
  ];
  for (const sql of queries) {
    try {
      return (await session.query(sql)).rows.map((row) => ({ table_name: String(row.table_name), definition: String(row.definition) }));
    } catch {
      // Not this server's dialect: try the next.
    }
  }
  return [];
}

async function catalog(session: SqlSession): Promise<CatalogTable[]> {
  const tables = (await session.query(
    `SELECT table_name AS name, table_type AS type, table_rows AS estimate, table_comment AS comment
       FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name`,
  )).rows as { name: string; type: string; estimate: number | string | null; comment: string }[];
  const columns = (await session.query(
    `SELECT table_name AS table_name, column_name AS name, data_type AS data_type, column_type AS column_type, is_nullable AS nullable,
            column_default AS column_default, extra AS extra, column_comment AS comment, privileges AS privileges
       FROM information_schema.columns WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position`,
  )).rows as { table_name: string; name: string; data_type: string; column_type: string; nullable: string; column_default: string | null; extra: string; comment: string; privileges: string }[];
  const statistics = (await session.query(
    `SELECT table_name AS table_name, index_name AS index_name, column_name AS column_name, non_unique AS non_unique
       FROM information_schema.statistics WHERE table_schema = DATABASE() ORDER BY table_name, index_name, seq_in_index`,
  )).rows as { table_name: string; index_name: string; column_name: string | null; non_unique: number | string }[];
  const keys = (await session.query(
    `SELECT k.table_name AS table_name, k.column_name AS column_name, k.referenced_table_name AS target, k.referenced_column_name AS target_column
       FROM information_schema.key_column_usage k
      WHERE k.table_schema = DATABASE() AND k.referenced_table_schema = DATABASE() AND k.referenced_table_name IS NOT NULL
        AND (SELECT COUNT(*) FROM information_schema.key_column_usage o
              WHERE o.constraint_schema = k.constraint_schema AND o.constraint_name = k.constraint_name AND o.table_name = k.table_name) = 1`,
  )).rows as { table_name: string; column_name: string; target: string; target_column: string }[];
  const checks = await checkConstraints(session);
  return tables.map((table) => {
    const own = columns.filter((column) => column.table_name === table.name);
    const indexNames = [...new Set(statistics.filter((row) => row.table_name === table.name).map((row) => row.index_name))];
    return {
      name: table.name,
      view: table.type === 'VIEW',
      comment: table.comment || undefined,
      rowEstimate: table.estimate === null || table.type === 'VIEW' ? undefined : Number(table.estimate),
      columns: own
        .filter((column) => column.privileges.split(',').includes('select'))
        .map((column) => {
          const generated = /\b(VIRTUAL|STORED|PERSISTENT) GENERATED\b/i.test(column.extra);
          const privileges = column.privileges.split(',');
          return {
            name: column.name,
            nativeType: column.column_type,
            type: normalizedType(column.data_type, column.column_type),
            nullable: column.nullable === 'YES',
            // MariaDB spells "no default" on a nullable column as the text NULL.
            hasDefault: (column.column_default !== null && column.column_default !== 'NULL') || /auto_increment/i.test(column.extra) || generated,
            generated,
            comment: column.comment || undefined,
            enumValues: column.data_type === 'enum' ? literals(column.column_type) : undefined,
            canInsert: privileges.includes('insert'),
            canUpdate: privileges.includes('update'),
          };
        }),
      indexes: indexNames.map((indexName) => {
        const parts = statistics.filter((row) => row.table_name === table.name && row.index_name === indexName);
        // A functional key part has no column: the index only counts up to it.
        const functional = parts.findIndex((part) => part.column_name === null);
        return {
          columns: (functional === -1 ? parts : parts.slice(0, functional)).map((part) => part.column_name!),
          unique: Number(parts[0].non_unique) === 0,
          primary: indexName === 'PRIMARY',
        };
      }),
      foreignKeys: keys.filter((key) => key.table_name === table.name).map((key) => ({ column: key.column_name, table: key.target, targetColumn: key.target_column })),
      checks: checks
        .filter((check) => check.table_name === table.name)
        .flatMap((check) => {
          const names = [...new Set([...check.definition.matchAll(/`((?:[^`]|``)+)`/g)].map((match) => match[1]))];
          return names.length === 1 ? [{ column: names[0], definition: check.definition }] : [];
        }),
    };
  });
}

const ERROR_MESSAGES: Record<string, ErrorDescription> = {
  ER_ACCESS_DENIED_ERROR: { kind: 'auth', message: 'authentication failed: wrong user or password' },
  ER_HOST_NOT_PRIVILEGED: { kind: 'auth', message: 'this login may not connect from Flowyte (its host part)' },
  ER_DBACCESS_DENIED_ERROR: { kind: 'auth', message: 'the login has no access to this database' },
  ER_BAD_DB_ERROR: { kind: 'auth', message: 'the database does not exist' },
  ER_TABLEACCESS_DENIED_ERROR: { kind: 'permission', message: 'the login lacks the privilege for this statement' },
  ER_COLUMNACCESS_DENIED_ERROR: { kind: 'permission', message: 'the login lacks the privilege for this column' },
  ER_SPECIFIC_ACCESS_DENIED_ERROR: { kind: 'permission', message: 'the login lacks the privilege for this statement' },
  ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION: { kind: 'read_only', message: 'the session is read-only' },
  ER_STATEMENT_TIMEOUT: { kind: 'timeout', message: 'the statement took too long and was cancelled' },
  ER_QUERY_TIMEOUT: { kind: 'timeout', message: 'the statement took too long and was cancelled' },
  PROTOCOL_SEQUENCE_TIMEOUT: { kind: 'timeout', message: 'the statement took too long' },
  PROTOCOL_CONNECTION_LOST: { kind: 'network', message: 'the connection was closed' },
  ER_DUP_ENTRY: { kind: 'invalid', message: 'a record with this value already exists' },
  ER_BAD_NULL_ERROR: { kind: 'invalid', message: 'a required column was left empty' },
  ER_NO_DEFAULT_FOR_FIELD: { kind: 'invalid', message: 'a required column was left empty' },
  ER_NO_REFERENCED_ROW_2: { kind: 'invalid', message: 'a value refers to a record that does not exist' },
  ER_CHECK_CONSTRAINT_VIOLATED: { kind: 'invalid', message: "a value is not one the column's check allows" },
  ER_CONSTRAINT_FAILED: { kind: 'invalid', message: "a value is not one the column's check allows" },
  WARN_DATA_TRUNCATED: { kind: 'invalid', message: 'a value has the wrong format for its column' },
  ER_TRUNCATED_WRONG_VALUE: { kind: 'invalid', message: 'a value has the wrong format for its column' },
  ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: { kind: 'invalid', message: 'a value has the wrong format for its column' },
};

/** MariaDB's own error numbers, which the driver has no names for. */
const MARIADB_ERRORS: Record<number, string> = { 1969: 'ER_STATEMENT_TIMEOUT', 4025: 'ER_CONSTRAINT_FAILED' };

function describeError(error: unknown): ErrorDescription {
  const transport = describeTransportError(error);
  if (transport) return transport;
  const { code, errno } = (error ?? {}) as { code?: string; errno?: number };
  const name = code && ERROR_MESSAGES[code] ? code : MARIADB_ERRORS[errno ?? 0];
  if (name) return ERROR_MESSAGES[name];
  return { kind: 'other', message: errno ? `the statement failed (error ${errno})` : 'the call failed' };
}

const quote = (identifier: string) => mysql().escapeId(identifier, true);
const account = (user: string) => `${mysql().escape(user)}@'%'`;

function setupScripts(request: SetupScriptRequest): SetupScripts {
  const { database, readOnlyUser, writeUser, tables } = request;
  const password = mysql().escape(request.password);
  const readOnly = script([
    "-- Run as an admin (mysql -u root -p). Narrow '%' to the address Flowyte connects from if you can.",
    '-- A login that can only read: SELECT on every table and view of the database, tables created later included.',
    '-- MySQL has no read-only mode per login: Flowyte runs every read in a READ ONLY transaction.',
    `CREATE USER ${account(readOnlyUser)} IDENTIFIED BY ${password} REQUIRE SSL;`,
    `GRANT SELECT ON ${quote(database)}.* TO ${account(readOnlyUser)};`,
  ]);
  const write =
    tables.length === 0
      ? null
      : script([
          "-- Run as an admin, only if the agent must write. Narrow '%' to the address Flowyte connects from if you can.",
          `-- Reads like the read-only login; INSERT and UPDATE on exactly: ${tables.join(', ')}. No DELETE, nothing else.`,
          `CREATE USER ${account(writeUser)} IDENTIFIED BY ${password} REQUIRE SSL;`,
          `GRANT SELECT ON ${quote(database)}.* TO ${account(writeUser)};`,
          ...tables.map((table) => `GRANT INSERT, UPDATE ON ${quote(database)}.${quote(table)} TO ${account(writeUser)};`),
        ]);
  return { readOnly: { user: readOnlyUser, sql: readOnly }, write: write === null ? null : { user: writeUser, tables, sql: write } };
}

/** Global privileges that let a login change every database. */
const ADMIN_PRIVILEGES = ['INSERT', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'ALTER', 'SUPER', 'CREATE USER', 'GRANT OPTION'];

export const mysqlEngine: SqlEngine = {
  kind: 'mysql',
  name: 'MySQL',
  defaultPort: 3306,
  open,
  quote,
  placeholder: () => '?',
  beginReadOnly: 'START TRANSACTION READ ONLY',
  beginReadWrite: 'START TRANSACTION READ WRITE',
  catalog,
  async adminReason(session) {
    const { rows } = await session.query(
      `SELECT privilege_type AS privilege FROM information_schema.user_privileges
        WHERE grantee = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')`,
    );
    const held = rows.map((row) => String(row.privilege)).filter((privilege) => ADMIN_PRIVILEGES.includes(privilege));
    return held.length ? `the login holds global privileges on every database (${held.join(', ')})` : null;
  },
  async insertOne(session, table, values, select, keyColumn) {
    const columns = Object.keys(values);
    const inserted = await session.query(
      `INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      Object.values(values),
    );
    if (!keyColumn) return Object.fromEntries(select.map((column) => [column, values[column] ?? null]));
    // No RETURNING: read the row back by its key (given, or the AUTO_INCREMENT value just made).
    const key = keyColumn in values ? values[keyColumn] : inserted.insertId;
    const { rows } = await session.query(`SELECT ${select.map(quote).join(', ')} FROM ${quote(table)} WHERE ${quote(keyColumn)} = ?`, [key]);
    return rows[0] ?? null;
  },
  describeError,
  setupScripts,
};

export const mysqlProvider = sqlProvider(mysqlEngine, {
  name: 'MySQL',
  description: 'Your own MySQL or MariaDB database: discover its tables, scope out sensitive columns, and bind parameterized reads (and scoped writes) as skills.',
  logo: 'mysql',
});
