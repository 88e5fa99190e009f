/** Phone numbers orgs own, holds on numbers for sale, and where any number stands in this deployment. */
import { writeTransaction, type Db } from './db.ts';
import { newId } from '../ids.ts';
import { pageClause, toPage, type Page, type PageRequest } from './page.ts';
import type { CarrierNumber } from '../runtime/numbers/carrier.ts';

export type NumberSource = 'purchased' | 'imported';
export type NumberStatus = 'available' | 'assigned';

export interface OwnedNumber extends CarrierNumber {
  id: string;
  orgId: string;
  provider: string;
  source: NumberSource;
  status: NumberStatus;
  agentId: string | null;
  monthlyCostCents: number;
  /** Rent is paid up to here; null for imported numbers, which pay none. */
  paidThrough: string | null;
  createdAt: string;
}

export type HoldStatus = 'active' | 'released' | 'consumed';

export interface NumberHold {
  id: string;
  orgId: string;
  e164: string;
  status: HoldStatus;
  expiresAt: string;
  createdAt: string;
}

/** Who has a number in this deployment: its owner, and the unexpired hold on it. */
export interface Standing {
  ownerOrgId: string | null;
  hold: NumberHold | null;
}

export interface NewNumber extends CarrierNumber {
  provider: string;
  source: NumberSource;
  agentId: string | null;
  monthlyCostCents: number;
  paidThrough: string | null;
}

interface NumberRow extends Omit<OwnedNumber, 'features'> {
  features: string;
}

const NUMBER_COLUMNS = `id, org_id AS orgId, e164, number_type AS numberType, area_code AS areaCode, locality, administrative_area AS administrativeArea,
  features, provider, source, status, agent_id AS agentId, monthly_cost_cents AS monthlyCostCents, paid_through AS paidThrough, created_at AS createdAt`;
const HOLD_COLUMNS = 'id, org_id AS orgId, e164, status, expires_at AS expiresAt, created_at AS createdAt';
const OWNED = "status != 'released'";

const toNumber = (row: NumberRow): OwnedNumber => ({ ...row, features: JSON.parse(row.features) as OwnedNumber['features'] });

export class NumberStore {
  constructor(private readonly db: Db, private readonly now: () => Date) {}

  create(orgId: string, fields: NewNumber): OwnedNumber {
    const id = newId('phoneNumber');
    this.db
      .prepare(
        `INSERT INTO phone_numbers (id, org_id, e164, number_type, locality, administrative_area, area_code, features, provider, source, status,
           agent_id, monthly_cost_cents, paid_through, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id, orgId, fields.e164, fields.numberType, fields.locality, fields.administrativeArea, fields.areaCode, JSON.stringify(fields.features),
        fields.provider, fields.source, fields.agentId ? 'assigned' : 'available', fields.agentId, fields.monthlyCostCents, fields.paidThrough,
        this.now().toISOString(),
      );
    return this.find(orgId, id)!;
  }

  /** An owned (not released) number of the org. */
  find(orgId: string, id: string): OwnedNumber | undefined {
    const row = this.db.prepare(`SELECT ${NUMBER_COLUMNS} FROM phone_numbers WHERE org_id = ? AND id = ? AND ${OWNED}`).get(orgId, id) as NumberRow | undefined;
    return row && toNumber(row);
  }

  findByE164(orgId: string, e164: string): OwnedNumber | undefined {
    const row = this.db.prepare(`SELECT ${NUMBER_COLUMNS} FROM phone_numbers WHERE org_id = ? AND e164 = ? AND ${OWNED}`).get(orgId, e164) as NumberRow | undefined;
    return row && toNumber(row);
  }

  /** The agent's first assigned number, if it has one. */
  assignedTo(orgId: string, agentId: string): OwnedNumber | undefined {
    const row = this.db
      .prepare(`SELECT ${NUMBER_COLUMNS} FROM phone_numbers WHERE org_id = ? AND agent_id = ? AND status = 'assigned' ORDER BY id LIMIT 1`)
      .get(orgId, agentId) as NumberRow | undefined;
    return row && toNumber(row);
  }

  /** Owned numbers, newest first. */
  list(orgId: string, filter: { agentId?: string; status?: NumberStatus }, page: PageRequest): Page<OwnedNumber> {
    const where = ['org_id = ?', OWNED];
    const params: unknown[] = [orgId];
    if (filter.agentId) where.push('agent_id = ?'), params.push(filter.agentId);
    if (filter.status) where.push('status = ?'), params.push(filter.status);
    const clause = pageClause(page);
    const rows = this.db.prepare(`SELECT ${NUMBER_COLUMNS} FROM phone_numbers WHERE ${where.join(' AND ')} ${clause.sql}`).all(...params, ...clause.params) as NumberRow[];
    return toPage(rows.map(toNumber), page.limit);
  }

  /** Point a number at an agent, or (null) back to the org's pool. */
  assign(id: string, agentId: string | null): void {
    this.db.prepare(`UPDATE phone_numbers SET agent_id = ?, status = ? WHERE id = ? AND ${OWNED}`).run(agentId, agentId ? 'assigned' : 'available', id);
  }

  /** Move every number of a (deleted) agent back to the pool. */
  unassignAgent(orgId: string, agentId: string): void {
    this.db.prepare(`UPDATE phone_numbers SET agent_id = NULL, status = 'available' WHERE org_id = ? AND agent_id = ? AND ${OWNED}`).run(orgId, agentId);
  }

  /** Give a number up for good: it stops paying rent and may be bought again, by anyone. */
  release(id: string): void {
    this.db.prepare(`UPDATE phone_numbers SET status = 'released', agent_id = NULL, released_at = ? WHERE id = ? AND ${OWNED}`).run(this.now().toISOString(), id);
  }

  /** Bought numbers whose paid month has run out, oldest first. */
  rentDue(limit: number): OwnedNumber[] {
    const rows = this.db
      .prepare(`SELECT ${NUMBER_COLUMNS} FROM phone_numbers WHERE source = 'purchased' AND ${OWNED} AND paid_through <= ? ORDER BY paid_through LIMIT ?`)
      .all(this.now().toISOString(), limit) as NumberRow[];
    return rows.map(toNumber);
  }

  /** Move the paid-through time on, if it still is `from` (so that two ticks cannot both move it). */
  advancePaidThrough(id: string, from: string, to: string): boolean {
    return this.db.prepare('UPDATE phone_numbers SET paid_through = ? WHERE id = ? AND paid_through = ?').run(to, id, from).changes === 1;
  }

  createHold(orgId: string, e164: string, expiresAt: string): NumberHold {
    const id = newId('numberReservation');
    this.db
      .prepare("INSERT INTO number_reservations (id, org_id, e164, expires_at, status, created_at) VALUES (?, ?, ?, ?, 'active', ?)")
      .run(id, orgId, e164, expiresAt, this.now().toISOString());
    return this.findHold(orgId, id)!;
  }

  findHold(orgId: string, id: string): NumberHold | undefined {
    return this.db.prepare(`SELECT ${HOLD_COLUMNS} FROM number_reservations WHERE org_id = ? AND id = ?`).get(orgId, id) as NumberHold | undefined;
  }

  setHoldStatus(id: string, status: HoldStatus): void {
    this.db.prepare('UPDATE number_reservations SET status = ? WHERE id = ?').run(status, id);
  }

  /** Where each number stands: owned by which org, and held (unexpired) by whom. */
  standing(e164s: string[]): Map<string, Standing> {
    const list = JSON.stringify(e164s);
    const owners = this.db
      .prepare(`SELECT e164, org_id AS orgId FROM phone_numbers WHERE ${OWNED} AND e164 IN (SELECT value FROM json_each(?))`)
      .all(list) as { e164: string; orgId: string }[];
    const holds = this.db
      .prepare(`SELECT ${HOLD_COLUMNS} FROM number_reservations WHERE status = 'active' AND expires_at > ? AND e164 IN (SELECT value FROM json_each(?))`)
      .all(this.now().toISOString(), list) as NumberHold[];
    const standings = new Map<string, Standing>(e164s.map((e164) => [e164, { ownerOrgId: null, hold: null }]));
    for (const owner of owners) standings.get(owner.e164)!.ownerOrgId = owner.orgId;
    for (const hold of holds) standings.get(hold.e164)!.hold = hold;
    return standings;
  }

  /** Run several store calls atomically (BEGIN IMMEDIATE, so checks and writes cannot interleave with another writer). */
  atomically<T>(work: () => T): T {
    return writeTransaction(this.db, work);
  }
}
