/** Analytics: SQL rollups of conversations (outcomes, channels, days, agents) and of the credits usage cost. */
import type { Db } from './db.ts';
import type { Channel } from './conversations.ts';

/** Outcomes where the person got an answer, and where they did not. */
export const ANSWERED_OUTCOMES = ['contained', 'transferred', 'answered'] as const;
export const MISSED_OUTCOMES = ['missed', 'abandoned'] as const;

/** Which conversations and usage to count. Times are ISO strings as `toISOString()` writes them. */
export interface AnalyticsFilter {
  orgId: string;
  agentId?: string;
  /** Inclusive. */
  from?: string;
  /** Exclusive. */
  to?: string;
  channel?: Channel;
}

export interface ConversationTally {
  total: number;
  chat: number;
  voice: number;
  answered: number;
  missed: number;
  contained: number;
  transferred: number;
  /** Distinct agents among the conversations. */
  agents: number;
  lastStartedAt: string | null;
}

export interface AgentTally extends ConversationTally {
  agentId: string;
  name: string;
}

export interface DayTally {
  /** UTC day, YYYY-MM-DD. */
  date: string;
  chat: number;
  voice: number;
}

const inList = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');

const TALLY_COLUMNS = `
  COUNT(c.id) AS total,
  COUNT(CASE WHEN c.channel = 'chat' THEN 1 END) AS chat,
  COUNT(CASE WHEN c.channel = 'voice' THEN 1 END) AS voice,
  COUNT(CASE WHEN c.outcome IN (${inList(ANSWERED_OUTCOMES)}) THEN 1 END) AS answered,
  COUNT(CASE WHEN c.outcome IN (${inList(MISSED_OUTCOMES)}) THEN 1 END) AS missed,
  COUNT(CASE WHEN c.outcome = 'contained' THEN 1 END) AS contained,
  COUNT(CASE WHEN c.outcome = 'transferred' THEN 1 END) AS transferred,
  COUNT(DISTINCT c.agent_id) AS agents,
  MAX(c.started_at) AS lastStartedAt`;

/** The conditions a filter puts on a table (besides its org), with their parameters. */
function conditions(filter: AnalyticsFilter, table: { alias: string; time: string }): { sql: string[]; params: unknown[] } {
  const sql: string[] = [];
  const params: unknown[] = [];
  const add = (condition: string, value: unknown) => {
    sql.push(`${table.alias}.${condition}`);
    params.push(value);
  };
  if (filter.agentId) add('agent_id = ?', filter.agentId);
  if (filter.from) add(`${table.time} >= ?`, filter.from);
  if (filter.to) add(`${table.time} < ?`, filter.to);
  if (filter.channel) add('channel = ?', filter.channel);
  return { sql, params };
}

/** Conversations served to real people: test (draft) conversations never count. */
function conversationConditions(filter: AnalyticsFilter) {
  const { sql, params } = conditions(filter, { alias: 'c', time: 'started_at' });
  return { sql: ['c.draft = 0', ...sql], params };
}

export class AnalyticsStore {
  constructor(private readonly db: Db) {}

  /** Counts over every conversation the filter selects (a conversation belongs to the day it started). */
  tally(filter: AnalyticsFilter): ConversationTally {
    const where = conversationConditions(filter);
    return this.db
      .prepare(`SELECT ${TALLY_COLUMNS} FROM conversations c WHERE c.org_id = ? AND ${where.sql.join(' AND ')}`)
      .get(filter.orgId, ...where.params) as ConversationTally;
  }

  /** One tally per agent that is not deleted, zero rows included; most conversations first, then by name. */
  tallyByAgent(filter: Omit<AnalyticsFilter, 'agentId'>): AgentTally[] {
    const on = conversationConditions(filter);
    return this.db
      .prepare(
        `SELECT a.id AS agentId, a.name AS name, ${TALLY_COLUMNS}
         FROM agents a LEFT JOIN conversations c ON c.org_id = a.org_id AND c.agent_id = a.id AND ${on.sql.join(' AND ')}
         WHERE a.org_id = ? AND a.deleted_at IS NULL
         GROUP BY a.id ORDER BY total DESC, a.name COLLATE NOCASE, a.id`,
      )
      .all(...on.params, filter.orgId) as AgentTally[];
  }

  /** Conversations per UTC day that has any, oldest first. */
  daily(filter: AnalyticsFilter): DayTally[] {
    const where = conversationConditions(filter);
    return this.db
      .prepare(
        `SELECT substr(c.started_at, 1, 10) AS date,
           COUNT(CASE WHEN c.channel = 'chat' THEN 1 END) AS chat,
           COUNT(CASE WHEN c.channel = 'voice' THEN 1 END) AS voice
         FROM conversations c WHERE c.org_id = ? AND ${where.sql.join(' AND ')}
         GROUP BY date ORDER BY date`,
      )
      .all(filter.orgId, ...where.params) as DayTally[];
  }

  /**
   * Spend in US cents: the credits of the usage charged in the window (counted when charged: a
   * voice call at its end), per UTC day, per agent, or in all (key '').
   */
  spendCents(filter: AnalyticsFilter, by: 'day' | 'agent' | 'all'): Map<string, number> {
    const where = conditions(filter, { alias: 'u', time: 'created_at' });
    const key = by === 'day' ? 'substr(u.created_at, 1, 10)' : by === 'agent' ? 'u.agent_id' : "''";
    const rows = this.db
      .prepare(
        `SELECT ${key} AS key, SUM(u.credits) AS credits FROM usage_items u
         WHERE ${['u.org_id = ?', ...where.sql].join(' AND ')} GROUP BY key`,
      )
      .all(filter.orgId, ...where.params) as { key: string; credits: number }[];
    return new Map(rows.map((row) => [row.key, row.credits]));
  }
}
