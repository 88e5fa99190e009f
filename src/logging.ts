/**
 * Operator logging: JSON lines on stderr, and the one function that reports an unexpected failure.
 * Stdout is not ours to write: `flowyte mcp` speaks the MCP stdio transport on it.
 */
import { pino, type DestinationStream } from 'pino';
import type { LogLevel } from './config.ts';
import { FlowyteError } from './errors.ts';

/** What the platform logs through; tests pass their own to createServices to read the lines. */
export interface Logger {
  error(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
}

/**
 * A pino logger at `level` writing to `destination` (stderr by default). The destination is
 * synchronous on purpose: no worker thread to start, and no line lost when the process exits.
 */
export function createLogger(level: LogLevel, destination: DestinationStream = pino.destination({ fd: 2, sync: true })): Logger {
  const log = pino(
    {
      level,
      // Level names and ISO times read better in `journalctl` or `jq` than pino's numbers.
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
  return {
    error: (message, details) => log.error(details ?? {}, message),
    info: (message, details) => log.info(details ?? {}, message),
  };
}

/**
 * Whether a failure is a fault rather than an answer: anything that is not a FlowyteError, or an
 * internal_error wrapping a cause. Every other FlowyteError is a problem document the caller reads.
 */
export function isUnexpected(error: unknown): boolean {
  return !(error instanceof FlowyteError) || (error.code === 'internal_error' && error.cause !== undefined);
}

/** Failures already reported: one failure passes several catches (invokeTool, then a face's). */
const reported = new WeakSet<object>();

/**
 * Log an unexpected failure for the operator, with its stack (pino's `err` serializer, causes
 * included), once however many layers see it. The caller only ever gets what toProblem() makes.
 * A failure of a call its caller cancelled is the caller leaving, not a fault: it is not logged.
 */
export function reportUnexpected(logger: Logger, error: unknown, context: Record<string, unknown>, cancelled = false): void {
  if (!isUnexpected(error)) return;
  if (typeof error === 'object' && error !== null) {
    if (reported.has(error)) return;
    reported.add(error);
  }
  if (!cancelled) logger.error('unexpected error', { ...context, err: error });
}
