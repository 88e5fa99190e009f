/**
 * Subscriptions: every org is on a plan for monthly periods. When a period ends, an invoice is
 * issued for it and the next period starts, its fee taken from the wallet (a renewal the wallet
 * cannot pay moves the org to the default plan). A dearer plan starts at once with a new period;
 * a cheaper one waits for the renewal. With billing off no fee is taken (mode.ts), so no renewal
 * falls back and no upgrade is refused. Periods catch up lazily whenever billing reads them, and
 * the background tick renews the rest.
 */
import { FlowyteError } from '../../errors.ts';
import type { Services } from '../../services.ts';

/** What billing needs of the services. */
export type BillingServices = Pick<Services, 'config' | 'db' | 'now' | 'usage' | 'wallet' | 'subscriptions' | 'invoices' | 'events'>;
import { writeTransaction } from '../../store/db.ts';
import type { Invoice, InvoiceLine } from '../../store/invoices.ts';
import type { Subscription } from '../../store/subscriptions.ts';
import type { UsageKind } from '../../store/usage.ts';
import { billingWallet } from './mode.ts';
import { DEFAULT_PLAN, planById, type Plan } from './prices.ts';
import { invoiceNumber } from './invoice-pdf.ts';

/** The same day and time a month later (the month's last day when it is shorter). */
export function addMonth(iso: string): string {
  const start = new Date(iso);
  const next = new Date(start);
  next.setUTCDate(1);
  next.setUTCMonth(start.getUTCMonth() + 1);
  const lastDay = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
  next.setUTCDate(Math.min(start.getUTCDate(), lastDay));
  return next.toISOString();
}

/** The org's subscription with its plan, renewed up to now. */
export function currentPeriod(services: BillingServices, orgId: string): { subscription: Subscription; plan: Plan } {
  return writeTransaction(services.db, () => {
    const now = services.now().toISOString();
    let subscription = services.subscriptions.ensure(orgId, DEFAULT_PLAN.id, now, addMonth(now));
    while (subscription.currentPeriodEnd <= now) subscription = renew(services, subscription);
    return { subscription, plan: planById(subscription.planId) };
  });
}

/** Renew every subscription whose period has ended (the background tick). */
export function renewDue(services: BillingServices): void {
  for (const orgId of services.subscriptions.due(services.now().toISOString(), 500)) currentPeriod(services, orgId);
}

/**
 * Move the org to `planId`: a dearer plan starts now with a new period, its fee taken from the
 * wallet (402 insufficient_balance changes nothing); a cheaper one is scheduled for the renewal;
 * the current plan cancels a scheduled change.
 */
export function changePlan(services: BillingServices, orgId: string, planId: string): Subscription {
  return writeTransaction(services.db, () => {
    const { subscription, plan } = currentPeriod(services, orgId);
    const target = planById(planId);
    if (target.id === plan.id) {
      services.subscriptions.setPending(orgId, null);
    } else if (target.monthlyPriceCents > plan.monthlyPriceCents) {
      const now = services.now().toISOString();
      chargeFee(services, orgId, target, now);
      closePeriod(services, subscription, now);
      services.subscriptions.startPeriod(orgId, target.id, now, addMonth(now));
      services.events.record(orgId, 'subscription.changed', { planId: target.id, previousPlanId: plan.id, effective: 'now' });
    } else {
      services.subscriptions.setPending(orgId, target.id);
      services.events.record(orgId, 'subscription.changed', { planId: target.id, previousPlanId: plan.id, effective: subscription.currentPeriodEnd });
    }
    return services.subscriptions.find(orgId)!;
  });
}

/** The ledger key of a plan's fee for the period starting at `periodStart`. */
const feeKey = (planId: string, periodStart: string) => `plan:${planId}:${periodStart}`;

function chargeFee(services: BillingServices, orgId: string, plan: Plan, periodStart: string): void {
  if (plan.monthlyPriceCents === 0) return;
  billingWallet(services).debit(orgId, { amountCents: plan.monthlyPriceCents, kind: 'debit', reason: `${plan.name} plan, monthly fee`, reference: `plan:${plan.id}`, idempotencyKey: feeKey(plan.id, periodStart) });
}

function renew(services: BillingServices, subscription: Subscription): Subscription {
  const { orgId, currentPeriodEnd: start } = subscription;
  closePeriod(services, subscription, start);
  let next = planById(subscription.pendingPlanId ?? subscription.planId);
  try {
    chargeFee(services, orgId, next, start);
  } catch (error) {
    if (!(error instanceof FlowyteError) || error.code !== 'insufficient_balance') throw error;
    services.events.record(orgId, 'subscription.changed', { planId: DEFAULT_PLAN.id, previousPlanId: next.id, effective: start, reason: 'renewal_unpaid' });
    next = DEFAULT_PLAN;
  }
  services.subscriptions.startPeriod(orgId, next.id, start, addMonth(start));
  return services.subscriptions.find(orgId)!;
}

const USAGE_LINES: Record<UsageKind, string> = {
  voice_minute: 'Voice minutes',
  toll_free_minute: 'Toll-free surcharge, minutes',
  chat_message: 'Chat replies',
  transfer_minute: 'Transferred call minutes',
  number_rental: 'Phone number rental, months',
  number_setup: 'Phone number setup',
};

/** Issue the invoice of the period from its start to `end`: its fee and its usage, if there was any. */
function closePeriod(services: BillingServices, subscription: Subscription, end: string): Invoice | null {
  const { orgId, currentPeriodStart: start } = subscription;
  const lines: InvoiceLine[] = [];
  const fee = services.wallet.existing(orgId, feeKey(subscription.planId, start));
  if (fee) lines.push({ description: `${planById(subscription.planId).name} plan, monthly fee`, kind: 'plan', quantity: 1, includedQuantity: 0, credits: -fee.amountCents });
  for (const total of services.usage.totalsByKind({ orgId, from: start, to: end })) {
    lines.push({ description: USAGE_LINES[total.kind], ...total });
  }
  if (lines.length === 0) return null;
  const invoice = services.invoices.issue({ orgId, planId: subscription.planId, periodStart: start, periodEnd: end, lines, totalCents: lines.reduce((sum, line) => sum + line.credits, 0) });
  services.events.record(orgId, 'invoice.issued', { invoiceId: invoice.id, number: invoiceNumber(invoice), periodStart: start, periodEnd: end, totalCents: invoice.totalCents });
  return invoice;
}
