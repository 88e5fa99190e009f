/**
 * The real PostgreSQL and MariaDB servers the SQL connector is tested against (`.ci/test-databases`
 * installs and starts them, with TLS, and CI runs it). Each test file makes its own database and
 * logins with random names and drops them afterwards, so runs never see each other's data.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import mysql from 'mysql2/promise';

export type SqlKind = 'postgres' | 'mysql';

/** Where `.ci/test-databases` puts them, unless the environment says otherwise. */
const DEFAULTS = {
  postgres: 'postgres://flowyte_test_admin:flowyte-test-only@127.0.0.1:5432/postgres',
  mysql: 'mysql://flowyte_test_admin:flowyte-test-only@127.0.0.1:3306/mysql',
  ca: '/etc/flowyte-test-db/server.crt',
};

export interface ServerAddress {
  host: string;
  port: number;
  user: string;
  password: string;
}

export function serverAddress(kind: SqlKind): ServerAddress {
  const url = new URL((kind === 'postgres' ? process.env.FLOWYTE_TEST_POSTGRES_URL : process.env.FLOWYTE_TEST_MYSQL_URL) || DEFAULTS[kind]);
  return { host: url.hostname, port: Number(url.port), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
}

/** The CA (the servers' self-signed certificate, issued for localhost and 127.0.0.1). */
export const serverCa = () => readFileSync(process.env.FLOWYTE_TEST_DB_CA_FILE || DEFAULTS.ca, 'utf8');

/** A plain driver connection for test setup and checks (TLS on, certificate unchecked). */
export interface DirectSession {
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export async function connectDirect(kind: SqlKind, login: { user: string; password: string; database?: string }): Promise<DirectSession> {
  const { host, port } = serverAddress(kind);
  if (kind === 'postgres') {
    const client = new pg.Client({ host, port, ...login, database: login.database ?? 'postgres', ssl: { rejectUnauthorized: false } });
    client.on('error', () => {});
    await client.connect();
    return { query: async (sql, params) => (await client.query(sql, params)).rows, close: () => client.end() };
  }
  const connection = await mysql.createConnection({ host, port, ...login, ssl: { rejectUnauthorized: false }, multipleStatements: true, dateStrings: true });
  return {
    query: async (sql, params) => {
      const [result] = await connection.query(sql, params);
      return Array.isArray(result) ? (result as Record<string, unknown>[]) : [];
    },
    close: () => connection.end(),
  };
}

/** An admin session, or a failure that says how to get the servers running. */
export async function connectAdmin(kind: SqlKind, database?: string): Promise<DirectSession> {
  const address = serverAddress(kind);
  try {
    return await connectDirect(kind, { user: address.user, password: address.password, database });
  } catch (error) {
    const variable = kind === 'postgres' ? 'FLOWYTE_TEST_POSTGRES_URL' : 'FLOWYTE_TEST_MYSQL_URL';
    throw new Error(
      `The ${kind} test server is not reachable at ${address.host}:${address.port} as ${address.user} (${(error as Error).message}). ` +
        `Start PostgreSQL and MariaDB with "bash .ci/test-databases" (as root: it installs them from Debian's packages), or point ${variable} at a server of your own.`,
    );
  }
}

/** A unique lower-case name for this run. */
export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex')}`;

/** The test tables, in each engine's dialect: customers, their appointments and payments, and a view. */
export function fixtureSchema(kind: SqlKind): string[] {
  const pgSql = kind === 'postgres';
  const id = pgSql ? 'id serial PRIMARY KEY' : 'id INT AUTO_INCREMENT PRIMARY KEY';
  const text = pgSql ? 'text' : 'VARCHAR(500)';
  return [
    pgSql ? "CREATE TYPE tier AS ENUM ('standard', 'gold')" : '',
    `CREATE TABLE customers (${id}, full_name VARCHAR(100) NOT NULL, email VARCHAR(200) UNIQUE, phone VARCHAR(40) NOT NULL, ssn VARCHAR(20), card_last4 CHAR(4),
      tier ${pgSql ? 'tier' : "ENUM('standard', 'gold')"} NOT NULL DEFAULT 'standard')`,
    'CREATE INDEX customers_phone ON customers (phone)',
    `CREATE TABLE appointments (${id}, customer_id INT NOT NULL, phone VARCHAR(40) NOT NULL, starts_at ${pgSql ? 'TIMESTAMP' : 'DATETIME'} NOT NULL,
      status VARCHAR(20) NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled', 'done')), notes ${text},
      FOREIGN KEY (customer_id) REFERENCES customers (id), CONSTRAINT appointments_notes_short CHECK (CHAR_LENGTH(notes) < 400))`,
    'CREATE INDEX appointments_phone ON appointments (phone)',
    'CREATE INDEX appointments_customer ON appointments (customer_id)',
    `CREATE TABLE payments (${id}, customer_id INT, amount DECIMAL(10, 2) NOT NULL, card_number VARCHAR(30), FOREIGN KEY (customer_id) REFERENCES customers (id))`,
    'CREATE INDEX payments_customer ON payments (customer_id)',
    "CREATE VIEW upcoming AS SELECT id, phone, starts_at FROM appointments WHERE status = 'booked'",
    `INSERT INTO customers (full_name, email, phone, ssn, card_last4, tier) VALUES
      ('Ada Lovelace', 'ada@example.com', '+14155550142', '123-45-6789', '4242', 'gold'),
      ('Alan Turing', 'alan@example.com', '+14155550143', '987-65-4321', '1111', 'standard')`,
    `INSERT INTO appointments (customer_id, phone, starts_at, status) VALUES
      (1, '+14155550142', '2025-03-14 09:30:00', 'booked'), (2, '+14155550143', '2025-03-15 14:00:00', 'done')`,
    "INSERT INTO payments (customer_id, amount, card_number) VALUES (1, 95.00, '4242424242424242')",
    pgSql ? 'ANALYZE' : 'ANALYZE TABLE customers, appointments, payments',
  ].filter(Boolean);
}
