/**
 * Idempotency-Key records: the first request with a key stores its response; retries replay it.
 * A pending claim belongs to the process running it (see instances.ts): while that process lives,
 * a retry is told the request is in progress; once it is dead, the retry takes the claim over and
 * runs the request again, with the effect the dead run recorded (see `recordEffect`).
 */
import type { Db } from './db.ts';
import { writeTransaction } from './db.ts';
import type { InstanceStore } from './instances.ts';

export type ClaimResult =
  /** `effect`: what an earlier run of this claim recorded before its process died, or null. */
  | { state: 'claimed'; effect: string | null }
  | { state: 'replay'; response: unknown }
  | { state: 'in_progress' }
  | { state: 'mismatch' };

/**
 * The Idempotency-Key claim a call runs under. A process that dies mid-call leaves its claim to
 * the next retry, which runs the tool again: a tool whose effect reaches beyond one write (a
 * payment started with the provider) records what it made, in the write that makes it, and a
 * re-run continues from `effect` instead of making a second one.
 */
export interface Operation {
  /** What an earlier run of this claim recorded before its process died; null on a first run. */
  effect: string | null;
  /** Note what this run made (call it inside the store write that makes it). */
  record(effect: string): void;
}

/** A key is remembered this long; after that the same key starts a new request. */
const KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;

interface ClaimRow {
  tool: string;
  request_hash: string;
  state: string;
  response: string | null;
  owner: string | null;
  effect: string | null;
}

export class IdempotencyStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly instances: InstanceStore,
  ) {}

  /** Claim `key` for a request, or report what an earlier request with the same key did. */
  claim(orgId: string, key: string, tool: string, requestHash: string): ClaimResult {
    return writeTransaction(this.db, () => {
      const expired = new Date(this.now().getTime() - KEY_LIFETIME_MS).toISOString();
      this.db.prepare('DELETE FROM idempotency_keys WHERE org_id = ? AND key = ? AND created_at < ?').run(orgId, key, expired);
      const row = this.db
        .prepare('SELECT tool, request_hash, state, response, owner, effect FROM idempotency_keys WHERE org_id = ? AND key = ?')
        .get(orgId, key) as ClaimRow | undefined;
      if (!row) {
        this.db
          .prepare(
            `INSERT INTO idempotency_keys (org_id, key, tool, request_hash, state, owner, created_at)
             VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
          )
          .run(orgId, key, tool, requestHash, this.instances.id, this.now().toISOString());
        return { state: 'claimed', effect: null };
      }
      if (row.tool !== tool || row.request_hash !== requestHash) return { state: 'mismatch' };
      if (row.state !== 'pending') return { state: 'replay', response: JSON.parse(row.response ?? 'null') };
      if (this.instances.alive(row.owner)) return { state: 'in_progress' };
      // Its process died mid-request: this one finishes the request (the claim's write lock makes it the only one).
      this.db.prepare('UPDATE idempotency_keys SET owner = ? WHERE org_id = ? AND key = ?').run(this.instances.id, orgId, key);
      return { state: 'claimed', effect: row.effect };
    });
  }

  /**
   * Note what the running request has done so far (an id of what it created), in the same write
   * as that change, so that a run taking over after a crash continues from it.
   */
  recordEffect(orgId: string, key: string, effect: string): void {
    this.db.prepare("UPDATE idempotency_keys SET effect = ? WHERE org_id = ? AND key = ? AND state = 'pending' AND owner = ?").run(effect, orgId, key, this.instances.id);
  }

  complete(orgId: string, key: string, response: unknown): void {
    this.db
      .prepare("UPDATE idempotency_keys SET state = 'done', response = ? WHERE org_id = ? AND key = ? AND owner = ?")
      .run(JSON.stringify(response), orgId, key, this.instances.id);
  }

  /** Forget a claim whose request failed, so that a retry can run it again. */
  release(orgId: string, key: string): void {
    this.db.prepare("DELETE FROM idempotency_keys WHERE org_id = ? AND key = ? AND state = 'pending' AND owner = ?").run(orgId, key, this.instances.id);
  }
}
