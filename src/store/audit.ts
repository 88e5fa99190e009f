/** The audit log: one row per request or tool call, never updated. */
import { writeTransaction, type Db } from './db.ts';
import { newId } from '../ids.ts';
import { pageClause, toPage, type Page, type PageRequest } from './page.ts';
import type { ActorType } from '../auth/actor.ts';

export interface AuditEntry {
  id: string;
  actorType: ActorType;
  actorId: string | null;
  /** rest or mcp */
  via: string;
  method: string;
  endpoint: string;
  status: number;
  durationMs: number;
  requestId: string | null;
  createdAt: string;
}

export interface AuditFilter {
  from?: string;
  to?: string;
  actorType?: ActorType;
  actorId?: string;
}

const COLUMNS = `id, actor_type AS actorType, actor_id AS actorId, via, method, endpoint, status,
  duration_ms AS durationMs, request_id AS requestId, created_at AS createdAt`;

/** Queued entries are written together at most this long after the first of them. */
const FLUSH_DELAY_MS = 20;
const FLUSH_AT = 500;

/**
 * Entries are queued and written in one transaction every few milliseconds: one commit for many
 * requests instead of one each. Reads flush the queue first, so they always see every entry; a
 * crash can lose at most the last FLUSH_DELAY_MS of entries.
 */
export class AuditStore {
  private queue: unknown[][] = [];
  private flushScheduled = false;

  constructor(private readonly db: Db, private readonly now: () => Date) {}

  record(orgId: string, entry: Omit<AuditEntry, 'id' | 'createdAt'>): void {
    this.queue.push([
      newId('audit'), orgId, entry.actorType, entry.actorId, entry.via, entry.method, entry.endpoint,
      entry.status, entry.durationMs, entry.requestId, this.now().toISOString(),
    ]);
    if (this.queue.length >= FLUSH_AT) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setTimeout(() => this.flush(), FLUSH_DELAY_MS).unref();
    }
  }

  /** Write every queued entry now. */
  flush(): void {
    this.flushScheduled = false;
    if (this.queue.length === 0 || !this.db.open) return;
    const rows = this.queue;
    this.queue = [];
    const insert = this.db.prepare(
      `INSERT INTO audit_logs (id, org_id, actor_type, actor_id, via, method, endpoint, status, duration_ms, request_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    writeTransaction(this.db, () => {
      for (const row of rows) insert.run(...row);
    });
  }

  list(orgId: string, filter: AuditFilter, page: PageRequest): Page<AuditEntry> {
    this.flush();
    const where = ['org_id = ?'];
    const params: unknown[] = [orgId];
    if (filter.from) (where.push('created_at >= ?'), params.push(filter.from));
    if (filter.to) (where.push('created_at <= ?'), params.push(filter.to));
    if (filter.actorType) (where.push('actor_type = ?'), params.push(filter.actorType));
    if (filter.actorId) (where.push('actor_id = ?'), params.push(filter.actorId));
    const clause = pageClause(page);
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM audit_logs WHERE ${where.join(' AND ')} ${clause.sql}`)
      .all(...params, ...clause.params) as AuditEntry[];
    return toPage(rows, page.limit);
  }
}
