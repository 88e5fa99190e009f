/** Invoices: one per closed billing period, listing what the wallet paid for in it. */
import type { Db } from './db.ts';
import { newId } from '../ids.ts';
import { pageClause, toPage, type Page, type PageRequest } from './page.ts';

export interface InvoiceLine {
  description: string;
  /** `plan` for the period's fee, else the usage kind. */
  kind: string;
  quantity: number;
  /** Voice minutes the plan's allowance covered. */
  includedQuantity: number;
  credits: number;
}

export interface Invoice {
  id: string;
  orgId: string;
  sequence: number;
  planId: string;
  periodStart: string;
  periodEnd: string;
  lines: InvoiceLine[];
  totalCents: number;
  createdAt: string;
}

interface InvoiceRow extends Omit<Invoice, 'lines'> {
  lines: string;
}

const COLUMNS =
  'id, org_id AS orgId, sequence, plan_id AS planId, period_start AS periodStart, period_end AS periodEnd, lines, total_cents AS totalCents, created_at AS createdAt';

const parse = (row: InvoiceRow): Invoice => ({ ...row, lines: JSON.parse(row.lines) as InvoiceLine[] });

export class InvoiceStore {
  constructor(private readonly db: Db, private readonly now: () => Date) {}

  /** Issue the next invoice of the org; callers hold the write transaction. */
  issue(invoice: Omit<Invoice, 'id' | 'sequence' | 'createdAt'>): Invoice {
    const { next } = this.db.prepare('SELECT COALESCE(MAX(sequence), 0) + 1 AS next FROM invoices WHERE org_id = ?').get(invoice.orgId) as { next: number };
    const id = newId('invoice');
    this.db
      .prepare('INSERT INTO invoices (id, org_id, sequence, plan_id, period_start, period_end, lines, total_cents, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, invoice.orgId, next, invoice.planId, invoice.periodStart, invoice.periodEnd, JSON.stringify(invoice.lines), invoice.totalCents, this.now().toISOString());
    return this.find(invoice.orgId, id)!;
  }

  find(orgId: string, id: string): Invoice | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM invoices WHERE org_id = ? AND id = ?`).get(orgId, id) as InvoiceRow | undefined;
    return row && parse(row);
  }

  /** Newest first. */
  list(orgId: string, page: PageRequest): Page<Invoice> {
    const clause = pageClause(page);
    const rows = this.db.prepare(`SELECT ${COLUMNS} FROM invoices WHERE org_id = ? ${clause.sql}`).all(orgId, ...clause.params) as InvoiceRow[];
    return toPage(rows.map(parse), page.limit);
  }
}
