/** The durable job table: enqueue, claim with a lease, complete, retry or fail. */
import type { Db } from './db.ts';
import { writeTransaction } from './db.ts';
import { newId } from '../ids.ts';

export interface JobRecord {
  id: string;
  orgId: string | null;
  kind: string;
  subjectId: string | null;
  payload: Record<string, unknown>;
  status: 'queued' | 'running' | 'done' | 'failed';
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
}

interface JobRow extends Omit<JobRecord, 'payload'> {
  payload: string;
}

const COLUMNS = `id, org_id AS orgId, kind, subject_id AS subjectId, payload, status, attempts, max_attempts AS maxAttempts,
  last_error AS lastError`;

const toJob = (row: JobRow): JobRecord => ({ ...row, payload: JSON.parse(row.payload) as Record<string, unknown> });

export class JobStore {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly db: Db, private readonly now: () => Date) {}

  /** Be told whenever a job is queued (the worker wakes instead of waiting for its next poll). */
  onEnqueue(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Queue a job. With a subject, at most one job per kind and subject is queued or running: a
   * second enqueue returns the active one instead.
   */
  enqueue(job: { kind: string; orgId?: string; subjectId?: string; payload?: Record<string, unknown>; maxAttempts?: number; runAfter?: Date }): JobRecord {
    const queued = this.insert(job);
    for (const listener of this.listeners) listener();
    return queued;
  }

  private insert(job: { kind: string; orgId?: string; subjectId?: string; payload?: Record<string, unknown>; maxAttempts?: number; runAfter?: Date }): JobRecord {
    return writeTransaction(this.db, () => {
      const active = job.subjectId ? this.active(job.kind, job.subjectId) : undefined;
      if (active) return active;
      const at = this.now().toISOString();
      const id = newId('job');
      this.db
        .prepare(
          `INSERT INTO jobs (id, org_id, kind, subject_id, payload, status, max_attempts, run_after, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)`,
        )
        .run(id, job.orgId ?? null, job.kind, job.subjectId ?? null, JSON.stringify(job.payload ?? {}), job.maxAttempts ?? 3, (job.runAfter ?? this.now()).toISOString(), at, at);
      return this.find(id) as JobRecord;
    });
  }

  /** The job of this kind and subject that is queued or running, if there is one. */
  active(kind: string, subjectId: string): JobRecord | undefined {
    const row = this.db
      .prepare(`SELECT ${COLUMNS} FROM jobs WHERE kind = ? AND subject_id = ? AND status IN ('queued', 'running')`)
      .get(kind, subjectId) as JobRow | undefined;
    return row && toJob(row);
  }

  find(id: string): JobRecord | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`).get(id) as JobRow | undefined;
    return row && toJob(row);
  }

  /** Take the next runnable job: a queued one whose time has come, or a running one whose lease lapsed (its worker died). */
  claim(leaseMs: number): JobRecord | undefined {
    const now = this.now();
    const row = this.db
      .prepare(
        `UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_expires_at = ?, updated_at = ?
         WHERE id = (
           SELECT id FROM jobs
           WHERE (status = 'queued' AND run_after <= ?) OR (status = 'running' AND lease_expires_at <= ?)
           ORDER BY run_after LIMIT 1)
         RETURNING ${COLUMNS}`,
      )
      .get(new Date(now.getTime() + leaseMs).toISOString(), now.toISOString(), now.toISOString(), now.toISOString()) as JobRow | undefined;
    return row && toJob(row);
  }

  /** Extend the lease of a job that is still being worked. */
  renew(id: string, leaseMs: number): void {
    this.db
      .prepare("UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND status = 'running'")
      .run(new Date(this.now().getTime() + leaseMs).toISOString(), id);
  }

  complete(id: string): void {
    this.db.prepare("UPDATE jobs SET status = 'done', lease_expires_at = NULL, updated_at = ? WHERE id = ?").run(this.now().toISOString(), id);
  }

  retry(id: string, error: string, runAfter: Date): void {
    this.db
      .prepare("UPDATE jobs SET status = 'queued', last_error = ?, run_after = ?, lease_expires_at = NULL, updated_at = ? WHERE id = ?")
      .run(error, runAfter.toISOString(), this.now().toISOString(), id);
  }

  fail(id: string, error: string): void {
    this.db
      .prepare("UPDATE jobs SET status = 'failed', last_error = ?, lease_expires_at = NULL, updated_at = ? WHERE id = ?")
      .run(error, this.now().toISOString(), id);
  }
}
