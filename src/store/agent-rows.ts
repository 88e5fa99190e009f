/** Reading and deleting the rows of a table that belong to one agent: the base of the skill and playbook stores. */
import type { Db } from './db.ts';
import { pageClause, toPage, type Page, type PageRequest } from './page.ts';

export class AgentRows<Row, Item> {
  constructor(protected readonly db: Db, private readonly table: string, private readonly toItem: (row: Row) => Item) {}

  find(orgId: string, agentId: string, id: string): Item | undefined {
    const row = this.db.prepare(`SELECT * FROM ${this.table} WHERE org_id = ? AND agent_id = ? AND id = ?`).get(orgId, agentId, id) as Row | undefined;
    return row && this.toItem(row);
  }

  /** A page, newest first. */
  list(orgId: string, agentId: string, page: PageRequest): Page<Item> {
    const clause = pageClause(page);
    const rows = this.db.prepare(`SELECT * FROM ${this.table} WHERE org_id = ? AND agent_id = ? ${clause.sql}`).all(orgId, agentId, ...clause.params) as Row[];
    return toPage(rows.map(this.toItem), page.limit);
  }

  /** Every row of the agent, oldest first (what compile reads). */
  all(orgId: string, agentId: string): Item[] {
    return (this.db.prepare(`SELECT * FROM ${this.table} WHERE org_id = ? AND agent_id = ? ORDER BY id`).all(orgId, agentId) as Row[]).map(this.toItem);
  }

  delete(orgId: string, agentId: string, id: string): boolean {
    return this.db.prepare(`DELETE FROM ${this.table} WHERE org_id = ? AND agent_id = ? AND id = ?`).run(orgId, agentId, id).changes === 1;
  }
}
