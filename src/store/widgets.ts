/** The chat widget's configuration per agent (a JSON document). */
import type { Db } from './db.ts';

export class WidgetStore {
  constructor(private readonly db: Db, private readonly now: () => Date) {}

  get(orgId: string, agentId: string): unknown | undefined {
    const config = this.db.prepare('SELECT config FROM widget_configs WHERE org_id = ? AND agent_id = ?').pluck().get(orgId, agentId) as string | undefined;
    return config === undefined ? undefined : JSON.parse(config);
  }

  put(orgId: string, agentId: string, config: unknown): void {
    this.db
      .prepare(
        `INSERT INTO widget_configs (agent_id, org_id, config, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (agent_id) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at`,
      )
      .run(agentId, orgId, JSON.stringify(config), this.now().toISOString());
  }
}
