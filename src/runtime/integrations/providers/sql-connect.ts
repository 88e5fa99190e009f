/**
 * Reaching a customer's database safely: the host is resolved once and every address vetted by the
 * same policy as outbound HTTP (private, loopback, link-local and metadata addresses refused unless
 * the deployment's dev switch allows them), and the session is opened on the vetted address.
 */
import dns from 'node:dns';
import net from 'node:net';
import { FlowyteError } from '../../../errors.ts';
import { destinationRefusal, parseIp } from '../../net/address-policy.ts';
import type { ErrorDescription, SqlCredentials, SqlEngine, SqlSession, SqlTarget } from './sql-engine.ts';

export const CONNECT_TIMEOUT_MS = 5000;

/** Why resolving or vetting the host failed: said to the user as is. */
export class HostRefused extends Error {}

/** The database's address, resolved and vetted; throws HostRefused. */
export async function resolveTarget(engine: SqlEngine, credentials: SqlCredentials, allowPrivateNetwork: boolean): Promise<SqlTarget> {
  const hostname = credentials.host.replace(/^\[(.*)\]$/, '$1');
  let answers: string[];
  if (parseIp(hostname)) answers = [hostname];
  else {
    try {
      answers = (await dns.promises.lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);
    } catch (error) {
      throw new HostRefused(`${hostname} could not be resolved (${(error as NodeJS.ErrnoException).code ?? 'lookup failed'})`);
    }
  }
  for (const answer of answers) {
    const reason = destinationRefusal(answer, allowPrivateNetwork);
    if (reason) throw new HostRefused(`refused to connect to ${hostname}: ${reason}; only public database hosts can be connected`);
  }
  if (answers.length === 0) throw new HostRefused(`${hostname} did not resolve to any address`);
  return { hostname, address: parseIp(answers[0])!.toString(), port: credentials.port ?? engine.defaultPort, credentials };
}

/** Open (and close) a bare TCP connection: can the server be reached at all? */
export function probeTcp(target: SqlTarget, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.address, port: target.port });
    const fail = (reason: string) => {
      socket.destroy();
      reject(new HostRefused(reason));
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer from ${target.hostname}:${target.port} within ${timeoutMs} ms`));
    socket.once('error', (error: NodeJS.ErrnoException) => fail(`${target.hostname}:${target.port} could not be reached (${error.code ?? error.message})`));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
  });
}

/** The FlowyteError a failed database call becomes: integration_error with a message free of SQL and secrets. */
export function integrationError(engine: SqlEngine, error: unknown): FlowyteError {
  if (error instanceof FlowyteError) return error;
  const description: ErrorDescription = error instanceof HostRefused ? { kind: 'network', message: error.message } : engine.describeError(error);
  return new FlowyteError('integration_error', `${engine.name}: ${description.message}`);
}

export interface SessionRequest {
  engine: SqlEngine;
  credentials: Record<string, unknown>;
  allowPrivateNetwork: boolean;
  statementTimeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Run `work` on a session opened for this call and closed after it (no pool: nothing outlives the
 * call). An aborted signal tears the socket down. Failures become integration_error.
 */
export async function withSession<T>(request: SessionRequest, work: (session: SqlSession) => Promise<T>): Promise<T> {
  const { engine, signal } = request;
  let session: SqlSession | undefined;
  const onAbort = () => session?.destroy();
  try {
    signal?.throwIfAborted();
    const target = await resolveTarget(engine, request.credentials as SqlCredentials, request.allowPrivateNetwork);
    session = await engine.open(target, { connectTimeoutMs: CONNECT_TIMEOUT_MS, statementTimeoutMs: request.statementTimeoutMs });
    signal?.addEventListener('abort', onAbort, { once: true });
    signal?.throwIfAborted();
    return await work(session);
  } catch (error) {
    if (signal?.aborted) throw new FlowyteError('integration_error', `${engine.name}: the call was cancelled`, { cause: error });
    throw integrationError(engine, error);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // A cancelled call already tore the socket down: a polite close could wait on it forever.
    if (signal?.aborted) session?.destroy();
    else await session?.close().catch(() => session?.destroy());
  }
}

/** Run `work` inside one transaction, committed when it succeeds and rolled back otherwise. */
export async function inTransaction<T>(session: SqlSession, begin: string, work: () => Promise<T>): Promise<T> {
  await session.query(begin);
  try {
    const result = await work();
    await session.query('COMMIT');
    return result;
  } catch (error) {
    await session.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
