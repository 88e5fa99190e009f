/** The audit log: one row per request or tool call, never updated. */
import type { Db } from './db.ts';
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

export class AuditStore {
  private readonly insert;

  constructor(private readonly db: Db, private readonly now: () => Date) {
    this.insert = db.prepare(
      `INSERT INTO audit_logs (id, org_id, actor_type, actor_id, via, method, endpoint, status, duration_ms, request_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  record(orgId: string, entry: Omit<AuditEntry, 'id' | 'createdAt'>): void {
    this.insert.run(
      newId('audit'), orgId, entry.actorType, entry.actorId, entry.via, entry.method, entry.endpoint,
      entry.status, entry.durationMs, entry.requestId, this.now().toISOString(),
    );
  }

  list(orgId: string, filter: AuditFilter, page: PageRequest): Page<AuditEntry> {
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
