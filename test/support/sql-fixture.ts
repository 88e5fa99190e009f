/**
 * A test database on a real server: the fixture tables, and the scoped logins made by running the
 * scripts get_sql_setup_scripts generates (as the admin), so the tests exercise exactly that SQL.
 */
import type { Platform } from '../helpers.ts';
import { connectAdmin, fixtureSchema, serverAddress, uniqueName, type DirectSession, type SqlKind } from './sql-servers.ts';

/** Quotes, a backslash and a double quote: the scripts must carry it intact into each engine's literal syntax. */
export const AWKWARD_PASSWORD = `Quote'n\\Back"slash-2025`;

export interface SqlFixture {
  kind: SqlKind;
  database: string;
  readOnlyUser: string;
  writeUser: string;
  /** The scripts as get_sql_setup_scripts returned them. */
  scripts: { readOnly: { sql: string }; write: { sql: string; tables: string[] } };
  /** Credentials for connect / test_sql_connection. */
  credentials(user: string, overrides?: Record<string, unknown>): Record<string, unknown>;
  /** An admin session in the test database. */
  admin: DirectSession;
  drop(): Promise<void>;
}

export async function createSqlFixture(platform: Platform, kind: SqlKind): Promise<SqlFixture> {
  const database = uniqueName('flowyte_test');
  const readOnlyUser = uniqueName('ro');
  const writeUser = uniqueName('rw');
  const server = await connectAdmin(kind);
  await server.query(`CREATE DATABASE ${database}`);
  const admin = kind === 'postgres' ? await connectAdmin(kind, database) : server;
  if (kind === 'mysql') await admin.query(`USE ${database}`);
  for (const statement of fixtureSchema(kind)) await admin.query(statement);

  const query = new URLSearchParams({ database, ro_user: readOnlyUser, rw_user: writeUser, tables: 'appointments', password: AWKWARD_PASSWORD });
  const response = await platform.request('GET', `/integrations/${kind}/sql/scripts?${query}`);
  const scripts = ((await response.json()) as { data: SqlFixture['scripts'] }).data;
  if (!response.ok) throw new Error(`get_sql_setup_scripts failed: ${response.status} ${JSON.stringify(scripts)}`);
  await admin.query(scripts.readOnly.sql);
  await admin.query(scripts.write.sql);

  const { host, port } = serverAddress(kind);
  return {
    kind,
    database,
    readOnlyUser,
    writeUser,
    scripts,
    admin,
    credentials: (user, overrides = {}) => ({ host, port, database, user, password: AWKWARD_PASSWORD, sslmode: 'require', ...overrides }),
    async drop() {
      if (admin !== server) await admin.close();
      await server.query(kind === 'postgres' ? `DROP DATABASE ${database} WITH (FORCE)` : `DROP DATABASE ${database}`);
      for (const user of [readOnlyUser, writeUser]) await server.query(kind === 'postgres' ? `DROP ROLE IF EXISTS ${user}` : `DROP USER IF EXISTS '${user}'@'%'`);
      await server.close();
    },
  };
}
