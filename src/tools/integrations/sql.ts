/** The SQL database connector's own helpers: setup scripts for a scoped login, and the connection test. */
import { z } from 'zod';
import { defineTool } from '../define.ts';
import { notFound } from '../../errors.ts';
import { kindField } from '../../runtime/integrations/connections.ts';
import { PROVIDERS } from '../../runtime/integrations/providers.ts';
import { sqlCredentials, type SqlEngine } from '../../runtime/integrations/providers/sql-engine.ts';
import { isSqlProvider } from '../../runtime/integrations/providers/sql-provider.ts';
import { generatePassword, SCRIPT_IDENTIFIER } from '../../runtime/integrations/providers/sql-scripts.ts';
import { CHECK_NAMES, testConnection } from '../../runtime/integrations/providers/sql-test.ts';

const TOOLSET = 'integrations';

/** The engine behind a SQL provider kind; 404 for any other kind. */
function sqlEngineOf(kind: string): SqlEngine {
  const provider = PROVIDERS.get(kind);
  if (!provider || !isSqlProvider(provider)) throw notFound('SQL database provider', kind);
  return provider.engine;
}

const identifier = (maxLength: number) =>
  z.string().regex(SCRIPT_IDENTIFIER, 'must be a plain identifier: a letter or _ then letters, digits or _').max(maxLength);

const scriptOutput = z.object({
  user: z.string().describe('The login the script creates.'),
  sql: z.string().describe('The SQL to run as an admin.'),
});

export const getSqlSetupScripts = defineTool({
  name: 'get_sql_setup_scripts',
  title: 'Generate database setup scripts',
  description:
    "SQL to run as an admin on your database to create least-privilege logins for Flowyte: a read-only login (SELECT on every table, tables created later included), and, only when tables are named, a write login that may also INSERT and UPDATE exactly those tables (never DELETE, never other tables). Both logins take the same password: connect with the one your skills need. Without a password one is generated and returned once. Generation only: nothing touches a database. 404 for a kind that is not a SQL database.",
  http: { method: 'GET', path: '/integrations/{kind}/sql/scripts' },
  scope: 'integrations:read',
  toolset: TOOLSET,
  flags: { readOnly: true, idempotent: true },
  input: z.object({
    kind: kindField,
    database: identifier(63).describe('The database the logins are for (e.g. appdb).'),
    ro_user: identifier(32).default('flowyte_ro').describe('Name of the read-only login (default flowyte_ro).'),
    rw_user: identifier(32).default('flowyte_rw').describe('Name of the write login (default flowyte_rw); used only when tables are given.'),
    tables: z.array(identifier(63)).max(50).default([]).describe('Tables your write skills insert into or update (REST: comma-separated). None: no write script.'),
    password: z.string().min(12).max(128).optional().describe('The logins\' password (12+ characters); omit to have a strong one generated.'),
  }),
  output: z.object({
    kind: z.string().describe('The provider.'),
    database: z.string().describe('The database.'),
    readOnly: scriptOutput.describe('Creates the read-only login.'),
    write: scriptOutput
      .extend({ tables: z.array(z.string()).describe('The only tables it may write.') })
      .nullable()
      .describe('Creates the write login; null when no tables were given.'),
    generatedPassword: z.string().nullable().describe('The password generated for the logins, shown only this once; null when you gave one.'),
  }),
  execute: async (input) => {
    const engine = sqlEngineOf(input.kind);
    const generatedPassword = input.password === undefined ? generatePassword() : null;
    const tables = [...new Set(input.tables)];
    const scripts = engine.setupScripts({
      database: input.database,
      readOnlyUser: input.ro_user,
      writeUser: input.rw_user,
      tables,
      password: input.password ?? generatedPassword!,
    });
    return { kind: input.kind, database: input.database, ...scripts, generatedPassword };
  },
});

export const testSqlConnection = defineTool({
  name: 'test_sql_connection',
  title: 'Test a database connection',
  description:
    'Runs the connection checks on credentials without storing them, in order: reachability (a private, loopback or metadata address is refused), tls, authentication, schema_read, read_probe (a timed read), read_only_session (a read-only transaction must refuse a write; admin logins fail), and latency (good, slow, or too slow for live calls). Always answers 200: ok is false when a check failed, and the checks after it say they were skipped. connect_integration runs the same checks and refuses credentials that fail them. 404 for a kind that is not a SQL database.',
  http: { method: 'POST', path: '/integrations/{kind}/sql/test' },
  scope: 'integrations:write',
  toolset: TOOLSET,
  flags: { readOnly: true, openWorld: true, idempotent: true },
  input: z.object({ kind: kindField, credentials: sqlCredentials.describe('The credentials to test, as connect takes them.') }),
  output: z.object({
    kind: z.string().describe('The provider.'),
    ok: z.boolean().describe('Whether every check passed.'),
    checks: z
      .array(
        z.object({
          name: z.enum(CHECK_NAMES).describe('The check.'),
          ok: z.boolean().describe('Whether it passed (false when skipped).'),
          detail: z.string().describe('What it found, or why it failed or was skipped.'),
          ms: z.number().int().nullable().describe('How long it took; null when skipped.'),
        }),
      )
      .describe('The checks, in the order they ran.'),
  }),
  execute: async (input, context) => {
    const engine = sqlEngineOf(input.kind);
    const report = await testConnection(engine, input.credentials, { allowPrivateNetwork: context.services.config.allowPrivateNetwork });
    return { kind: input.kind, ...report };
  },
});
