/** Priced usage: one item per charge (a call, a chat reply, a transfer, a number's month), and daily rollups of them. */
import type { Db } from './db.ts';
import { newId } from '../ids.ts';
import { pageClause, toPage, type Page, type PageRequest } from './page.ts';

export type UsageChannel = 'voice' | 'chat' | 'transfer_minute' | 'number';
export type UsageKind = 'voice_minute' | 'toll_free_minute' | 'chat_message' | 'transfer_minute' | 'number_rental' | 'number_setup';

export interface NewUsageItem {
  orgId: string;
  agentId: string | null;
  conversationId: string | null;
  numberId: string | null;
  channel: UsageChannel;
  kind: UsageKind;
  quantity: number;
  includedQuantity: number;
  unitCents: number;
  credits: number;
  idempotencyKey: string | null;
}

export interface UsageItem extends NewUsageItem {
  id: string;
  createdAt: string;
}

/** Which items to count: a half-open window [from, to) of ISO times, and optionally one agent or channel. */
export interface UsageFilter {
  orgId: string;
  from?: string;
  to?: string;
  agentId?: string;
  channel?: UsageChannel;
}

/** One UTC day of one agent's usage (agentId null: charges that belong to no agent, such as number rentals). */
export interface DailyUsage {
  /** `date|agentId`: the record's position, for paging. */
  id: string;
  date: string;
  agentId: string | null;
  voiceMinutes: number;
  includedMinutes: number;
  tollFreeMinutes: number;
  transferMinutes: number;
  chatMessages: number;
  numberCharges: number;
  credits: number;
}

/** Quantities and credits per kind, for an invoice. */
export interface KindTotal {
  kind: UsageKind;
  quantity: number;
  includedQuantity: number;
  credits: number;
}

const ITEM_COLUMNS = `id, org_id AS orgId, agent_id AS agentId, conversation_id AS conversationId, number_id AS numberId, channel, kind, quantity,
  included_quantity AS includedQuantity, unit_cents AS unitCents, credits, idempotency_key AS idempotencyKey, created_at AS createdAt`;

function where(filter: UsageFilter): { sql: string; params: unknown[] } {
  const clauses = ['org_id = ?'];
  const params: unknown[] = [filter.orgId];
  if (filter.from) clauses.push('created_at >= ?'), params.push(filter.from);
  if (filter.to) clauses.push('created_at < ?'), params.push(filter.to);
  if (filter.agentId) clauses.push('agent_id = ?'), params.push(filter.agentId);
  if (filter.channel) clauses.push('channel = ?'), params.push(filter.channel);
  return { sql: clauses.join(' AND '), params };
}

export class UsageStore {
  constructor(private readonly db: Db, private readonly now: () => Date) {}

  /** Store a priced item; callers (the meter) hold the write transaction that also debits the wallet. */
  insert(item: NewUsageItem): UsageItem {
    const stored: UsageItem = { ...item, id: newId('usage'), createdAt: this.now().toISOString() };
    this.db
      .prepare(
        `INSERT INTO usage_items (id, org_id, agent_id, conversation_id, number_id, channel, kind, quantity, included_quantity, unit_cents, credits, idempotency_key, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(stored.id, item.orgId, item.agentId, item.conversationId, item.numberId, item.channel, item.kind, item.quantity, item.includedQuantity, item.unitCents, item.credits, item.idempotencyKey, stored.createdAt);
    return stored;
  }

  findByKey(orgId: string, idempotencyKey: string): UsageItem | undefined {
    return this.db.prepare(`SELECT ${ITEM_COLUMNS} FROM usage_items WHERE org_id = ? AND idempotency_key = ?`).get(orgId, idempotencyKey) as UsageItem | undefined;
  }

  /** Items in the filter, newest first. */
  items(filter: UsageFilter, page: PageRequest): Page<UsageItem> {
    const scope = where(filter);
    const clause = pageClause(page);
    const rows = this.db.prepare(`SELECT ${ITEM_COLUMNS} FROM usage_items WHERE ${scope.sql} ${clause.sql}`).all(...scope.params, ...clause.params);
    return toPage(rows as UsageItem[], page.limit);
  }

  /** Every item in the filter, oldest first (tests and exports). */
  all(filter: UsageFilter): UsageItem[] {
    const scope = where(filter);
    return this.db.prepare(`SELECT ${ITEM_COLUMNS} FROM usage_items WHERE ${scope.sql} ORDER BY id`).all(...scope.params) as UsageItem[];
  }

  /**
   * Daily records, newest day first and then by agent. The page position is `date|agentId` of the
   * last record returned.
   */
  daily(filter: UsageFilter, page: PageRequest): Page<DailyUsage> {
    const scope = where(filter);
    const [beforeDate, beforeAgent] = page.before ? page.before.split('|') : [];
    const after = page.before ? 'HAVING date < ? OR (date = ? AND agentKey > ?)' : '';
    const rows = this.db
      .prepare(
        `SELECT substr(created_at, 1, 10) AS date, COALESCE(agent_id, '') AS agentKey,
           SUM(CASE kind WHEN 'voice_minute' THEN quantity ELSE 0 END) AS voiceMinutes,
           SUM(CASE kind WHEN 'voice_minute' THEN included_quantity ELSE 0 END) AS includedMinutes,
           SUM(CASE kind WHEN 'toll_free_minute' THEN quantity ELSE 0 END) AS tollFreeMinutes,
           SUM(CASE kind WHEN 'transfer_minute' THEN quantity ELSE 0 END) AS transferMinutes,
           SUM(CASE kind WHEN 'chat_message' THEN quantity ELSE 0 END) AS chatMessages,
           SUM(CASE channel WHEN 'number' THEN 1 ELSE 0 END) AS numberCharges,
           SUM(credits) AS credits
         FROM usage_items WHERE ${scope.sql}
         GROUP BY date, agentKey ${after}
         ORDER BY date DESC, agentKey LIMIT ?`,
      )
      .all(...scope.params, ...(page.before ? [beforeDate, beforeDate, beforeAgent ?? ''] : []), page.limit + 1) as (Omit<DailyUsage, 'agentId' | 'id'> & { agentKey: string })[];
    const records = rows.map(({ agentKey, ...rest }) => ({ ...rest, id: `${rest.date}|${agentKey}`, agentId: agentKey || null }));
    return toPage(records, page.limit);
  }

  /** Quantities and credits per kind in the filter (an invoice's usage lines). */
  totalsByKind(filter: UsageFilter): KindTotal[] {
    const scope = where(filter);
    return this.db
      .prepare(
        `SELECT kind, SUM(quantity) AS quantity, SUM(included_quantity) AS includedQuantity, SUM(credits) AS credits
         FROM usage_items WHERE ${scope.sql} GROUP BY kind ORDER BY kind`,
      )
      .all(...scope.params) as KindTotal[];
  }

  /** Voice minutes the plan's allowance has covered since `since` (the start of the current period). */
  includedMinutesUsed(orgId: string, since: string): number {
    const row = this.db
      .prepare("SELECT COALESCE(SUM(included_quantity), 0) AS used FROM usage_items WHERE org_id = ? AND kind = 'voice_minute' AND created_at >= ?")
      .get(orgId, since) as { used: number };
    return row.used;
  }
}
