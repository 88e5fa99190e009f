/**
 * The connection test behind "Test connection" and connect: ordered checks, each timed. A failed
 * check is an answer, not an error; the checks after it are reported as skipped. Nothing is stored.
 */
import { performance } from 'node:perf_hooks';
import { CONNECT_TIMEOUT_MS, HostRefused, inTransaction, probeTcp, resolveTarget } from './sql-connect.ts';
import type { CatalogTable, SqlCredentials, SqlEngine, SqlSession, SqlTarget } from './sql-engine.ts';

export const CHECK_NAMES = ['reachability', 'tls', 'authentication', 'schema_read', 'read_probe', 'read_only_session', 'latency'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export interface ConnectionCheck {
  name: CheckName;
  ok: boolean;
  detail: string;
  /** How long the check took; null when it was skipped. */
  ms: number | null;
}

export interface ConnectionReport {
  ok: boolean;
  checks: ConnectionCheck[];
}

/** Round trips up to this are fine for a live call; up to SLOW_MS they work but are felt; beyond, the check fails. */
export const GOOD_MS = 150;
export const SLOW_MS = 600;
const PROBE_TIMEOUT_MS = 5000;

/** A check that did not pass, with what to tell the user. */
class CheckFailed extends Error {
  constructor(
    message: string,
    /** The check that failed, when it is not the one running (TLS succeeded, the sign-in did not). */
    readonly check?: CheckName,
  ) {
    super(message);
  }
}

interface State {
  target?: SqlTarget;
  session?: SqlSession;
  tables: CatalogTable[];
}

/** The table the probes use: a base table if there is one (schema_read made sure some table has a readable column). */
const pickTable = (state: State) => state.tables.find((table) => !table.view && table.columns.length) ?? state.tables.find((table) => table.columns.length)!;

function steps(engine: SqlEngine, credentials: SqlCredentials, allowPrivateNetwork: boolean): Record<CheckName, (state: State) => Promise<string>> {
  const fail = (error: unknown): never => {
    throw new CheckFailed(error instanceof HostRefused ? error.message : engine.describeError(error).message);
  };
  return {
    async reachability(state) {
      state.target = await resolveTarget(engine, credentials, allowPrivateNetwork).catch(fail);
      await probeTcp(state.target, CONNECT_TIMEOUT_MS).catch(fail);
      return `${state.target.hostname}:${state.target.port} accepts connections`;
    },
    async tls(state) {
      state.session = await engine.open(state.target!, { connectTimeoutMs: CONNECT_TIMEOUT_MS, statementTimeoutMs: PROBE_TIMEOUT_MS }).catch((error: unknown) => {
        const description = engine.describeError(error);
        // Refused at sign-in means the TLS handshake before it went through.
        throw description.kind === 'auth' ? new CheckFailed(description.message, 'authentication') : new CheckFailed(description.message);
      });
      const checked = { require: 'the certificate is not checked (sslmode require; prefer verify-full)', 'verify-ca': 'certificate chain verified', 'verify-full': 'certificate verified for this host' };
      return `${state.session.tlsProtocol() ?? 'TLS'}: ${checked[credentials.sslmode]}`;
    },
    async authentication(state) {
      await state.session!.query('SELECT 1').catch(fail);
      return `signed in as ${credentials.user} to ${credentials.database}`;
    },
    async schema_read(state) {
      state.tables = await inTransaction(state.session!, engine.beginReadOnly, () => engine.catalog(state.session!)).catch(fail);
      if (!state.tables.some((table) => table.columns.length)) throw new CheckFailed(`${credentials.user} can read no table of ${credentials.database}: run the read-only setup script (GET /integrations/${engine.kind}/sql/scripts)`);
      const views = state.tables.filter((table) => table.view).length;
      const count = (number: number, noun: string) => `${number} ${noun}${number === 1 ? '' : 's'}`;
      return `${count(state.tables.length - views, 'table')} and ${count(views, 'view')} readable`;
    },
    async read_probe(state) {
      const table = pickTable(state);
      const columns = table.columns.map((column) => engine.quote(column.name)).join(', ');
      const { rows } = await inTransaction(state.session!, engine.beginReadOnly, () => state.session!.query(`SELECT ${columns} FROM ${engine.quote(table.name)} LIMIT 1`)).catch(fail);
      return rows.length ? `read a row of ${table.name}` : `read ${table.name} (it is empty)`;
    },
    async read_only_session(state) {
      const session = state.session!;
      const admin = await engine.adminReason(session).catch(fail);
      if (admin) throw new CheckFailed(`${admin}: connect a scoped login instead (GET /integrations/${engine.kind}/sql/scripts)`);
      const table = pickTable(state);
      const column = engine.quote(table.columns[0].name);
      // A write that would change nothing, in the read-only transaction every read runs in: the server must refuse it.
      const refusal = await inTransaction(session, engine.beginReadOnly, () => session.query(`UPDATE ${engine.quote(table.name)} SET ${column} = ${column} WHERE 1 = 0`)).then(
        () => null,
        (error: unknown) => engine.describeError(error).kind,
      );
      if (refusal !== 'read_only' && refusal !== 'permission') throw new CheckFailed('a read-only transaction accepted a write');
      const writable = state.tables.filter((candidate) => !candidate.view && candidate.columns.some((entry) => entry.canInsert || entry.canUpdate)).map((candidate) => candidate.name);
      return `reads run in read-only transactions the server enforces; ${writable.length ? `the login may also write to ${writable.join(', ')}` : 'the login cannot write anywhere'}`;
    },
    async latency(state) {
      const trips: number[] = [];
      for (let trip = 0; trip < 3; trip++) {
        const started = performance.now();
        await state.session!.query('SELECT 1').catch(fail);
        trips.push(performance.now() - started);
      }
      const median = Math.round(trips.sort((a, b) => a - b)[1]);
      if (median > SLOW_MS) throw new CheckFailed(`round trips take ${median} ms: too slow for live calls (over ${SLOW_MS} ms)`);
      return median <= GOOD_MS ? `round trips take ${median} ms: good for live calls` : `round trips take ${median} ms: slow, callers will notice pauses`;
    },
  };
}

/** Run every check in order until one fails. */
export async function testConnection(engine: SqlEngine, credentials: SqlCredentials, options: { allowPrivateNetwork: boolean }): Promise<ConnectionReport> {
  const runners = steps(engine, credentials, options.allowPrivateNetwork);
  const state: State = { tables: [] };
  const checks: ConnectionCheck[] = [];
  try {
    for (const name of CHECK_NAMES) {
      if (checks.some((check) => check.name === name)) continue;
      if (checks.some((check) => !check.ok)) {
        const failed = checks.find((check) => !check.ok)!.name;
        checks.push({ name, ok: false, detail: `skipped: ${failed} failed`, ms: null });
        continue;
      }
      const started = performance.now();
      try {
        const detail = await runners[name](state);
        checks.push({ name, ok: true, detail, ms: Math.round(performance.now() - started) });
      } catch (error) {
        const message = error instanceof CheckFailed ? error.message : engine.describeError(error).message;
        const ms = Math.round(performance.now() - started);
        if (error instanceof CheckFailed && error.check && error.check !== name) {
          checks.push({ name, ok: true, detail: 'TLS negotiated', ms });
          checks.push({ name: error.check, ok: false, detail: message, ms: 0 });
        } else checks.push({ name, ok: false, detail: message, ms });
      }
    }
  } finally {
    await state.session?.close().catch(() => state.session?.destroy());
  }
  return { ok: checks.every((check) => check.ok), checks };
}
