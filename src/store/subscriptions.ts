/** The plan each org is on, its current monthly period, and a cheaper plan waiting for the next renewal. */
import type { Db } from './db.ts';

export interface Subscription {
  orgId: string;
  planId: string;
  currentPeriodStart: string;
  currentPeriodEnd: string;
  pendingPlanId: string | null;
  updatedAt: string;
}

const COLUMNS =
  'org_id AS orgId, plan_id AS planId, current_period_start AS currentPeriodStart, current_period_end AS currentPeriodEnd, pending_plan_id AS pendingPlanId, updated_at AS updatedAt';

export class SubscriptionStore {
  constructor(private readonly db: Db, private readonly now: () => Date) {}

  find(orgId: string): Subscription | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM subscriptions WHERE org_id = ?`).get(orgId) as Subscription | undefined;
  }

  /** Start an org on a plan unless it already has a subscription. */
  ensure(orgId: string, planId: string, periodStart: string, periodEnd: string): Subscription {
    this.db
      .prepare('INSERT OR IGNORE INTO subscriptions (org_id, plan_id, current_period_start, current_period_end, updated_at) VALUES (?, ?, ?, ?, ?)')
      .run(orgId, planId, periodStart, periodEnd, this.now().toISOString());
    return this.find(orgId)!;
  }

  /** Begin a new period on `planId`, dropping any pending change. */
  startPeriod(orgId: string, planId: string, periodStart: string, periodEnd: string): void {
    this.db
      .prepare('UPDATE subscriptions SET plan_id = ?, current_period_start = ?, current_period_end = ?, pending_plan_id = NULL, updated_at = ? WHERE org_id = ?')
      .run(planId, periodStart, periodEnd, this.now().toISOString(), orgId);
  }

  setPending(orgId: string, planId: string | null): void {
    this.db.prepare('UPDATE subscriptions SET pending_plan_id = ?, updated_at = ? WHERE org_id = ?').run(planId, this.now().toISOString(), orgId);
  }

  /** Orgs whose current period has ended by `at`. */
  due(at: string, limit: number): string[] {
    return (this.db.prepare('SELECT org_id AS orgId FROM subscriptions WHERE current_period_end <= ? LIMIT ?').all(at, limit) as { orgId: string }[]).map(
      (row) => row.orgId,
    );
  }
}
