/** One IntegrationProvider per SQL engine: credentials, the connection test as connect's check, discovery and bound operations. */
import { FlowyteError } from '../../../errors.ts';
import type { IntegrationProvider } from '../provider.ts';
import { inTransaction, withSession } from './sql-connect.ts';
import { sqlCredentials, type SqlCredentials, type SqlEngine } from './sql-engine.ts';
import { checkSqlBinding, runSqlOperation } from './sql-execute.ts';
import { normalizedSchema } from './sql-schema.ts';
import { testConnection } from './sql-test.ts';

/** Reading a large catalog may take a while; it is not on a live call. */
const DISCOVERY_TIMEOUT_MS = 30_000;

export interface SqlProvider extends IntegrationProvider {
  engine: SqlEngine;
}

export function isSqlProvider(provider: IntegrationProvider): provider is SqlProvider {
  return 'engine' in provider;
}

export function sqlProvider(engine: SqlEngine, about: { name: string; description: string; logo: string }): SqlProvider {
  return {
    kind: engine.kind,
    ...about,
    category: 'database',
    auth: 'credentials',
    credentials: sqlCredentials,
    actions: [],
    engine,
    async verify(context) {
      const credentials = context.credentials as SqlCredentials;
      const report = await testConnection(engine, credentials, { allowPrivateNetwork: context.services.config.allowPrivateNetwork });
      const failed = report.checks.find((check) => !check.ok);
      if (failed) {
        throw new FlowyteError('connection_failed', `The connection test failed at ${failed.name}: ${failed.detail}. Nothing was stored.`, {
          extensions: { checks: report.checks },
        });
      }
      return { accountLabel: `${credentials.user}@${credentials.host}/${credentials.database}` };
    },
    discover: (context) =>
      withSession(
        { engine, credentials: context.credentials, allowPrivateNetwork: context.services.config.allowPrivateNetwork, statementTimeoutMs: DISCOVERY_TIMEOUT_MS, signal: context.signal },
        async (session) => normalizedSchema(await inTransaction(session, engine.beginReadOnly, () => engine.catalog(session))),
      ),
    execute: (context, operation, args, select) => runSqlOperation(engine, context, operation, args, select),
    checkBinding: checkSqlBinding,
  };
}
