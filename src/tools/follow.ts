/**
 * Following a record that background work changes (a probe run, a source being indexed), for the
 * streaming tools that report it live. The work may happen in another process, so the store is
 * polled: what it says is the truth wherever the job runs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { FlowyteError } from '../errors.ts';
import type { ToolContext } from './types.ts';

export const FOLLOW_POLL_MS = 100;

export interface Follow<T> {
  /** Read the record afresh (throws not_found once it is gone). */
  load(): T;
  /** Emit whatever changed since the last look (the first look reports the current state). */
  report(current: T): void;
  finished(current: T): boolean;
}

/** Report `follow`'s record until it is finished, and return it; the caller hanging up cancels. */
export async function followUntilFinished<T>(context: ToolContext, follow: Follow<T>, pollMs = FOLLOW_POLL_MS): Promise<T> {
  for (;;) {
    const current = follow.load();
    follow.report(current);
    if (follow.finished(current)) return current;
    await sleep(pollMs, undefined, { signal: context.signal }).catch((error: unknown) => {
      throw new FlowyteError('internal_error', 'the stream was cancelled', { cause: error });
    });
  }
}
