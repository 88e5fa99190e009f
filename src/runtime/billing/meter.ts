/**
 * The one billing hook: the runtime and the numbers area report every charge here. A charge is
 * priced (voice minutes by the plan, against its included minutes; everything else by the price
 * list), stored as a usage item, and taken from the wallet in the same write transaction. Usage
 * that has happened cannot be refused, so what the balance cannot cover is owed until the next
 * credit; a purchase (`strict`) is refused instead with 402 insufficient_balance, writing nothing.
 * With billing off the item is stored and priced all the same, and nothing is taken (see mode.ts).
 */
import { writeTransaction } from '../../store/db.ts';
import type { UsageChannel, UsageItem, UsageKind } from '../../store/usage.ts';
import { billingWallet } from './mode.ts';
import { usagePriceCents } from './prices.ts';
import { currentPeriod, type BillingServices } from './subscription.ts';

export interface Charge {
  orgId: string;
  agentId: string | null;
  conversationId?: string | null;
  numberId?: string | null;
  channel: UsageChannel;
  kind: UsageKind;
  quantity: number;
  /** The price of one unit when the caller knows it (a number's rental); else the price list's. */
  unitCents?: number;
}

export interface ChargeOptions {
  /** Refuse with 402 when the balance cannot cover it, instead of owing the rest. */
  strict?: boolean;
  /** A second charge with the same key returns the first item and takes nothing. */
  idempotencyKey?: string;
}

const LABELS: Record<UsageKind, string> = {
  voice_minute: 'voice minutes',
  toll_free_minute: 'toll-free surcharge minutes',
  chat_message: 'chat replies',
  transfer_minute: 'transferred call minutes',
  number_rental: 'number rental',
  number_setup: 'number setup',
};

export function chargeUsage(services: BillingServices, charge: Charge, options: ChargeOptions = {}): UsageItem {
  const { usage } = services;
  const wallet = billingWallet(services);
  const key = options.idempotencyKey ?? null;
  return writeTransaction(services.db, () => {
    const replayed = key ? usage.findByKey(charge.orgId, key) : undefined;
    if (replayed) return replayed;
    // Periods that have ended are closed first, so this charge lands in the one in force.
    const period = currentPeriod(services, charge.orgId);
    const priced = price(services, charge, period);
    const item = usage.insert({
      orgId: charge.orgId,
      agentId: charge.agentId,
      conversationId: charge.conversationId ?? null,
      numberId: charge.numberId ?? null,
      channel: charge.channel,
      kind: charge.kind,
      quantity: charge.quantity,
      idempotencyKey: key,
      ...priced,
    });
    if (item.credits > 0) {
      const request = { amountCents: item.credits, kind: 'debit' as const, reason: `${charge.quantity} ${LABELS[charge.kind]}`, reference: item.id, idempotencyKey: `usage:${item.id}` };
      if (options.strict) wallet.debit(charge.orgId, request);
      else wallet.charge(charge.orgId, request);
    }
    return item;
  });
}

/** What a charge costs: voice minutes come out of the plan's allowance first, then at its overage rate. */
function price(services: BillingServices, charge: Charge, { plan, subscription }: ReturnType<typeof currentPeriod>): { includedQuantity: number; unitCents: number; credits: number } {
  if (charge.kind === 'voice_minute') {
    const left = Math.max(0, plan.includedMinutes - services.usage.includedMinutesUsed(charge.orgId, subscription.currentPeriodStart));
    const included = Math.min(left, charge.quantity);
    return { includedQuantity: included, unitCents: plan.overageMinuteCents, credits: (charge.quantity - included) * plan.overageMinuteCents };
  }
  const unitCents =
    charge.unitCents ??
    (charge.kind === 'number_rental' || charge.kind === 'number_setup' ? unknownPrice(charge.kind) : usagePriceCents(charge.kind));
  return { includedQuantity: 0, unitCents, credits: charge.quantity * unitCents };
}

function unknownPrice(kind: UsageKind): never {
  throw new Error(`a ${kind} charge needs its unitCents`);
}
