/**
 * Whether this deployment charges the wallet: the one place that decides. Billing `prepaid` takes
 * usage, plan fees and numbers from the org's wallet and refuses live work an empty one cannot pay
 * (402 insufficient_balance). Billing `off`, the self-hosted default, meters and prices usage just
 * the same (usage items, analytics, receipts) but never takes money, never accrues anything owed
 * and never refuses for balance. Everything in billing that takes or checks money goes through
 * `billingWallet()`, so the rest of the code reads the same in both modes.
 */
import type { Services } from '../../services.ts';
import type { EntryRequest } from '../../store/wallet.ts';

/** The wallet operations billing takes money with (the WalletStore satisfies it). */
export interface BillingWallet {
  /** 402 insufficient_balance, saying `why`, unless the wallet holds `requiredCents`. */
  requireBalance(orgId: string, requiredCents: number, why: (balanceCents: number) => string): void;
  /** Take a fee or a purchase; 402 when the balance cannot cover it. */
  debit(orgId: string, request: EntryRequest): unknown;
  /** Take metered usage, owing what the balance cannot cover. */
  charge(orgId: string, request: EntryRequest): unknown;
}

/** With billing off, money is never checked or moved: every call is a no-op. */
const METER_ONLY: BillingWallet = {
  requireBalance: () => {},
  debit: () => undefined,
  charge: () => undefined,
};

/** The wallet billing charges: the org wallets when billing is prepaid, nothing when it is off. */
export function billingWallet(services: Pick<Services, 'config' | 'wallet'>): BillingWallet {
  return services.config.billing === 'prepaid' ? services.wallet : METER_ONLY;
}
