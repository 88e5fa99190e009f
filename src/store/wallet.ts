/** The prepaid wallet: an append-only ledger in integer cents, its balance, auto-reload, and card payments. */
import { FlowyteError } from '../errors.ts';
import { newId } from '../ids.ts';
import { writeTransaction, type Db } from './db.ts';
import { pageClause, toPage, type Page, type PageRequest } from './page.ts';

export type LedgerKind = 'credit' | 'debit' | 'topup' | 'auto_reload';
export type PaymentPurpose = 'topup' | 'auto_reload';
export type PaymentStatus = 'pending' | 'succeeded' | 'failed';

export interface LedgerEntry {
  id: string;
  amountCents: number;
  kind: LedgerKind;
  reason: string | null;
  reference: string | null;
  idempotencyKey: string | null;
  balanceAfterCents: number;
  createdAt: string;
}

export interface EntryRequest {
  /** Positive: the amount to add (credit) or take (debit). */
  amountCents: number;
  kind: LedgerKind;
  reason?: string;
  reference?: string;
  /** A second entry with the same key returns the first one instead of writing again. */
  idempotencyKey?: string;
}

export interface AutoReload {
  enabled: boolean;
  thresholdCents: number;
  amountCents: number;
}

export interface Wallet {
  balanceCents: number;
  /** Metered usage the balance could not cover, taken from the next credit. */
  owedCents: number;
  autoReload: AutoReload;
  updatedAt: string;
}

export interface Payment {
  id: string;
  orgId: string;
  purpose: PaymentPurpose;
  provider: string;
  providerPaymentId: string | null;
  clientSecret: string | null;
  amountCents: number;
  currency: string;
  status: PaymentStatus;
  createdAt: string;
  settledAt: string | null;
}

export interface DebitResult {
  entry: LedgerEntry;
  /** The auto-reload payment this debit started (pending; the provider is asked next), if it crossed the threshold. */
  reload: Payment | null;
}

export interface ChargeResult {
  /** Null when the balance was already empty: everything is owed. */
  entry: LedgerEntry | null;
  /** What the balance could not cover (added to the wallet's owed amount). */
  owedCents: number;
  /** The auto-reload payment this debit started (pending; the provider is asked next), if it crossed the threshold. */
  reload: Payment | null;
}

interface WalletRow {
  balance_cents: number;
  owed_cents: number;
  auto_reload_enabled: number;
  auto_reload_threshold_cents: number;
  auto_reload_amount_cents: number;
  auto_reload_armed: number;
  updated_at: string;
}

const ENTRY_COLUMNS =
  'id, amount_cents AS amountCents, kind, reason, reference, idempotency_key AS idempotencyKey, balance_after_cents AS balanceAfterCents, created_at AS createdAt';
const PAYMENT_COLUMNS =
  'id, org_id AS orgId, purpose, provider, provider_payment_id AS providerPaymentId, client_secret AS clientSecret, amount_cents AS amountCents, currency, status, created_at AS createdAt, settled_at AS settledAt';

export class WalletStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  /** The org's wallet (an empty one until money first moves). */
  get(orgId: string): Wallet {
    const row = this.row(orgId);
    return {
      balanceCents: row.balance_cents,
      owedCents: row.owed_cents,
      autoReload: { enabled: row.auto_reload_enabled === 1, thresholdCents: row.auto_reload_threshold_cents, amountCents: row.auto_reload_amount_cents },
      updatedAt: row.updated_at,
    };
  }

  balance(orgId: string): number {
    return this.row(orgId).balance_cents;
  }

  /** Ledger entries, newest first. */
  entries(orgId: string, page: PageRequest): Page<LedgerEntry> {
    const clause = pageClause(page);
    const rows = this.db.prepare(`SELECT ${ENTRY_COLUMNS} FROM ledger_entries WHERE org_id = ? ${clause.sql}`).all(orgId, ...clause.params);
    return toPage(rows as LedgerEntry[], page.limit);
  }

  /** Add money; anything owed is collected from it at once. */
  credit(orgId: string, request: EntryRequest): LedgerEntry {
    return writeTransaction(this.db, () => {
      const replayed = this.existing(orgId, request.idempotencyKey);
      if (replayed) return replayed;
      const entry = this.append(orgId, request, request.amountCents);
      const owed = this.row(orgId).owed_cents;
      const collected = Math.min(owed, entry.balanceAfterCents);
      if (collected > 0) {
        this.db.prepare('UPDATE wallets SET owed_cents = owed_cents - ? WHERE org_id = ?').run(collected, orgId);
        this.append(orgId, { amountCents: collected, kind: 'debit', reason: 'owed usage collected', reference: entry.id }, -collected);
      }
      return entry;
    });
  }

  /** Take money; 402 insufficient_balance when the balance would go below zero (checked and written in one transaction). */
  debit(orgId: string, request: EntryRequest): DebitResult {
    return writeTransaction(this.db, () => {
      const replayed = this.existing(orgId, request.idempotencyKey);
      if (replayed) return { entry: replayed, reload: null };
      const wallet = this.row(orgId);
      this.requireBalance(orgId, request.amountCents, (held) => `the wallet holds ${held} cents, ${request.amountCents} are needed; top up with POST /billing/wallet/topup`);
      const entry = this.append(orgId, request, -request.amountCents);
      return { entry, reload: this.maybeStartReload(orgId, wallet, entry.balanceAfterCents) };
    });
  }

  /**
   * Take metered usage, which has already happened and so cannot be refused: as much as the
   * balance holds, and the rest is owed until the next credit.
   */
  charge(orgId: string, request: EntryRequest): ChargeResult {
    return writeTransaction(this.db, () => {
      const replayed = this.existing(orgId, request.idempotencyKey);
      if (replayed) return { entry: replayed, owedCents: 0, reload: null };
      const wallet = this.row(orgId);
      const taken = Math.min(wallet.balance_cents, request.amountCents);
      const owed = request.amountCents - taken;
      if (owed > 0) this.db.prepare('UPDATE wallets SET owed_cents = owed_cents + ? WHERE org_id = ?').run(owed, orgId);
      if (taken === 0) return { entry: null, owedCents: owed, reload: null };
      const reason = owed > 0 ? `${request.reason ?? 'usage'} (${owed} cents owed)` : request.reason;
      const entry = this.append(orgId, { ...request, reason }, -taken);
      return { entry, owedCents: owed, reload: this.maybeStartReload(orgId, wallet, entry.balanceAfterCents) };
    });
  }

  /** 402 insufficient_balance, saying `why` (given the balance), unless the wallet holds `requiredCents`. */
  requireBalance(orgId: string, requiredCents: number, why: (balanceCents: number) => string): void {
    const balanceCents = this.balance(orgId);
    if (balanceCents >= requiredCents) return;
    throw new FlowyteError('insufficient_balance', why(balanceCents), { extensions: { balanceCents, requiredCents } });
  }

  /** Change the auto-reload settings (re-armed, so the next crossing starts a reload). */
  setAutoReload(orgId: string, settings: AutoReload): Wallet {
    writeTransaction(this.db, () => {
      this.row(orgId);
      this.db
        .prepare('UPDATE wallets SET auto_reload_enabled = ?, auto_reload_threshold_cents = ?, auto_reload_amount_cents = ?, auto_reload_armed = 1, updated_at = ? WHERE org_id = ?')
        .run(settings.enabled ? 1 : 0, settings.thresholdCents, settings.amountCents, this.now().toISOString(), orgId);
    });
    return this.get(orgId);
  }

  /** Record a new pending payment. */
  createPayment(orgId: string, fields: { purpose: PaymentPurpose; provider: string; amountCents: number }): Payment {
    const id = newId('payment');
    this.db
      .prepare("INSERT INTO payments (id, org_id, purpose, provider, amount_cents, currency, status, created_at) VALUES (?, ?, ?, ?, ?, 'usd', 'pending', ?)")
      .run(id, orgId, fields.purpose, fields.provider, fields.amountCents, this.now().toISOString());
    return this.findPayment(orgId, id)!;
  }

  /** Store what the provider answered for a payment (its own id and the client secret). */
  attachProviderPayment(paymentId: string, provider: string, providerPaymentId: string, clientSecret: string | null): void {
    this.db.prepare('UPDATE payments SET provider = ?, provider_payment_id = ?, client_secret = ? WHERE id = ?').run(provider, providerPaymentId, clientSecret, paymentId);
  }

  findPayment(orgId: string, id: string): Payment | undefined {
    return this.db.prepare(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE org_id = ? AND id = ?`).get(orgId, id) as Payment | undefined;
  }

  findPaymentByProviderId(provider: string, providerPaymentId: string): Payment | undefined {
    return this.db.prepare(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE provider = ? AND provider_payment_id = ?`).get(provider, providerPaymentId) as Payment | undefined;
  }

  /**
   * Settle a pending payment: success credits the wallet exactly once; anything that arrives after
   * the payment left `pending` (a repeat, or a failure after a success) changes nothing.
   */
  settlePayment(payment: Payment, outcome: 'succeeded' | 'failed'): Payment {
    writeTransaction(this.db, () => {
      const current = this.findPayment(payment.orgId, payment.id);
      if (current?.status !== 'pending') return;
      this.db.prepare('UPDATE payments SET status = ?, settled_at = ? WHERE id = ?').run(outcome, this.now().toISOString(), payment.id);
      if (outcome === 'succeeded') {
        this.credit(payment.orgId, { amountCents: current.amountCents, kind: current.purpose, reason: 'card payment', reference: current.id, idempotencyKey: `payment:${current.id}` });
      } else if (current.purpose === 'auto_reload') {
        // A failed reload re-arms, so the next debit below the threshold tries again.
        this.db.prepare('UPDATE wallets SET auto_reload_armed = 1 WHERE org_id = ?').run(payment.orgId);
      }
    });
    return this.findPayment(payment.orgId, payment.id)!;
  }

  /** Remember a provider event id; false when it was handled before. */
  recordEvent(eventId: string, type: string): boolean {
    const result = this.db.prepare('INSERT OR IGNORE INTO payment_events (id, type, received_at) VALUES (?, ?, ?)').run(eventId, type, this.now().toISOString());
    return result.changes === 1;
  }

  /** Run several store calls atomically. */
  atomically<T>(work: () => T): T {
    return writeTransaction(this.db, work);
  }

  private row(orgId: string): WalletRow {
    this.db.prepare('INSERT OR IGNORE INTO wallets (org_id, updated_at) VALUES (?, ?)').run(orgId, this.now().toISOString());
    return this.db.prepare('SELECT * FROM wallets WHERE org_id = ?').get(orgId) as WalletRow;
  }

  /** The entry written under an idempotency key, if any. */
  existing(orgId: string, idempotencyKey: string | undefined): LedgerEntry | undefined {
    if (!idempotencyKey) return undefined;
    return this.db.prepare(`SELECT ${ENTRY_COLUMNS} FROM ledger_entries WHERE org_id = ? AND idempotency_key = ?`).get(orgId, idempotencyKey) as LedgerEntry | undefined;
  }

  /** Write one entry and move the balance by `signedCents`; callers hold the write transaction. */
  private append(orgId: string, request: EntryRequest, signedCents: number): LedgerEntry {
    const createdAt = this.now().toISOString();
    const wallet = this.row(orgId);
    const balanceAfter = wallet.balance_cents + signedCents;
    // Back at or above the threshold: the next crossing may start a reload again.
    const armed = balanceAfter >= wallet.auto_reload_threshold_cents ? 1 : wallet.auto_reload_armed;
    this.db.prepare('UPDATE wallets SET balance_cents = ?, auto_reload_armed = ?, updated_at = ? WHERE org_id = ?').run(balanceAfter, armed, createdAt, orgId);
    const id = newId('ledgerEntry');
    this.db
      .prepare('INSERT INTO ledger_entries (id, org_id, amount_cents, kind, reason, reference, idempotency_key, balance_after_cents, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, orgId, signedCents, request.kind, request.reason ?? null, request.reference ?? null, request.idempotencyKey ?? null, balanceAfter, createdAt);
    return { id, amountCents: signedCents, kind: request.kind, reason: request.reason ?? null, reference: request.reference ?? null, idempotencyKey: request.idempotencyKey ?? null, balanceAfterCents: balanceAfter, createdAt };
  }

  /**
   * After a debit: when the balance first drops below a threshold above zero, disarm, start one
   * reload if auto-reload is on, and tell the crossing listeners (in the debit's write).
   */
  private maybeStartReload(orgId: string, before: WalletRow, balanceAfter: number): Payment | null {
    const thresholdCents = before.auto_reload_threshold_cents;
    if (before.auto_reload_armed !== 1 || thresholdCents <= 0 || balanceAfter >= thresholdCents) return null;
    this.db.prepare('UPDATE wallets SET auto_reload_armed = 0 WHERE org_id = ?').run(orgId);
    const reload =
      before.auto_reload_enabled === 1 && before.auto_reload_amount_cents > 0
        ? this.createPayment(orgId, { purpose: 'auto_reload', provider: 'unassigned', amountCents: before.auto_reload_amount_cents })
        : null;
    for (const listener of this.crossingListeners) listener({ orgId, balanceCents: balanceAfter, thresholdCents, reload });
    return reload;
  }

  private readonly crossingListeners: ((crossing: ThresholdCrossing) => void)[] = [];

  /** Run `listener` inside the write of every debit that crosses below the threshold (it records the event and queues the reload's job). */
  onThresholdCrossed(listener: (crossing: ThresholdCrossing) => void): void {
    this.crossingListeners.push(listener);
  }

  /** Reload payments still waiting for the provider to start them, oldest first. */
  unstartedReloads(limit: number): Payment[] {
    return this.db
      .prepare(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE provider = 'unassigned' AND status = 'pending' ORDER BY id LIMIT ?`)
      .all(limit) as Payment[];
  }
}

/** A debit that took the balance below the auto-reload threshold. */
export interface ThresholdCrossing {
  orgId: string;
  balanceCents: number;
  thresholdCents: number;
  /** The reload payment it started (pending, provider 'unassigned'); null when auto-reload is off. */
  reload: Payment | null;
}
