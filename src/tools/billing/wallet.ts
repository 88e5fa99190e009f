/** The prepaid wallet: balance, ledger, manual credit, card top-ups, auto-reload and sandbox settlement. */
import { z } from 'zod';
import { defineTool, idField, idempotencyKeyField, pageInput, pageOf, paginate } from '../define.ts';
import { notFound } from '../../errors.ts';
import { paymentProvider, startPayment } from '../../runtime/payments/payments.ts';
import type { LedgerEntry, Payment, Wallet } from '../../store/wallet.ts';
import type { ToolContext } from '../types.ts';

/** A dollar amount with at most two decimals, as integer cents. */
const usdAmount = (description: string, min: number, max: number) =>
  z
    .number()
    .min(min)
    .max(max)
    .refine((value) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6, 'must have at most two decimals')
    .describe(description);

const toCents = (usd: number) => Math.round(usd * 100);
const toUsd = (cents: number) => cents / 100;

/** Which billing mode the deployment runs, in every billing answer that depends on it. */
export const billingModeField = z
  .enum(['off', 'prepaid'])
  .describe(
    "The deployment's billing mode (FLOWYTE_BILLING). prepaid: usage, plan fees and numbers are taken from the wallet, and an empty wallet pauses live conversations (402). off (the self-hosted default): usage is metered and priced the same but never taken from the wallet, and nothing is refused for balance.",
  );

export const walletSchema = z.object({
  billingMode: billingModeField,
  balanceCents: z.number().int().describe('The balance in cents (1 credit = 1 cent).'),
  balanceUsd: z.number().describe('The balance in US dollars.'),
  owedUsd: z.number().describe('Metered usage the balance could not cover, in US dollars; taken from the next credit. With billing prepaid, live conversations pause while the balance is 0.'),
  currency: z.literal('usd').describe('Always usd.'),
  autoReload: z
    .object({
      enabled: z.boolean().describe('Whether the wallet reloads itself.'),
      thresholdUsd: z.number().describe('A debit that takes the balance below this starts one reload.'),
      amountUsd: z.number().describe('How much each reload charges.'),
    })
    .describe('Auto-reload settings.'),
  updatedAt: z.string().describe('When the balance or settings last changed.'),
});

export const entrySchema = z.object({
  id: z.string().describe('Ledger entry id (led_…).'),
  amountCents: z.number().int().describe('Signed: positive adds to the balance, negative takes from it.'),
  kind: z.enum(['credit', 'debit', 'topup', 'auto_reload']).describe('What moved the money.'),
  reason: z.string().nullable().describe('Why, as recorded.'),
  reference: z.string().nullable().describe('What it belongs to (a payment id, a usage item).'),
  balanceAfterCents: z.number().int().describe('The balance right after this entry.'),
  createdAt: z.string().describe('When it was written.'),
});

export const paymentSchema = z.object({
  paymentId: z.string().describe('Payment id (pay_…).'),
  clientSecret: z.string().nullable().describe('What the checkout UI confirms the card payment with.'),
  amountCents: z.number().int().describe('The amount charged, in cents.'),
  status: z.enum(['pending', 'succeeded', 'failed']).describe('pending until the payment settles; the credit lands on succeeded.'),
  provider: z.string().describe('sandbox or stripe.'),
});

function presentWallet(context: ToolContext, wallet: Wallet): z.input<typeof walletSchema> {
  return {
    billingMode: context.services.config.billing,
    balanceCents: wallet.balanceCents,
    balanceUsd: toUsd(wallet.balanceCents),
    owedUsd: toUsd(wallet.owedCents),
    currency: 'usd',
    autoReload: { enabled: wallet.autoReload.enabled, thresholdUsd: toUsd(wallet.autoReload.thresholdCents), amountUsd: toUsd(wallet.autoReload.amountCents) },
    updatedAt: wallet.updatedAt,
  };
}

function presentEntry(entry: LedgerEntry): z.input<typeof entrySchema> {
  const { idempotencyKey: _key, ...rest } = entry;
  return rest;
}

function presentPayment(payment: Payment): z.input<typeof paymentSchema> {
  return { paymentId: payment.id, clientSecret: payment.clientSecret, amountCents: payment.amountCents, status: payment.status, provider: payment.provider };
}

export const getWallet = defineTool({
  name: 'get_wallet',
  title: 'Get wallet balance',
  description: 'The wallet balance (in cents and dollars), its auto-reload settings and the billing mode in force. Check it before starting a batch of outbound work.',
  http: { method: 'GET', path: '/billing/wallet' },
  scope: 'billing:read',
  toolset: 'billing',
  flags: { readOnly: true, idempotent: true },
  input: z.object({}),
  output: walletSchema,
  execute: async (_input, context) => presentWallet(context, context.services.wallet.get(context.org.id)),
});

export const listWalletTransactions = defineTool({
  name: 'list_wallet_transactions',
  title: 'List wallet transactions',
  description: 'The wallet ledger, newest first: every credit, top-up, reload and debit with the balance after it.',
  http: { method: 'GET', path: '/billing/wallet/transactions' },
  scope: 'billing:read',
  toolset: 'billing',
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({ ...pageInput }),
  output: pageOf(entrySchema),
  execute: async (input, context) =>
    paginate(context, input, (page) => context.services.wallet.entries(context.org.id, page), presentEntry),
});

export const creditWallet = defineTool({
  name: 'credit_wallet',
  title: 'Add credit to the wallet',
  description: 'Adds funds to the wallet directly, without a card payment (manual adjustments, onboarding), and returns the updated balance. Retry safely with an Idempotency-Key.',
  http: { method: 'POST', path: '/billing/wallet/credit' },
  scope: 'billing:write',
  toolset: 'billing',
  flags: { destructive: true, idempotencyKey: true },
  input: z.object({
    amountUsd: usdAmount('Dollars to add, e.g. 25 or 12.5.', 0.01, 100_000),
    reason: z.string().trim().max(200).optional().describe('Why, kept on the ledger entry.'),
    idempotencyKey: idempotencyKeyField,
  }),
  output: walletSchema.extend({ entry: entrySchema.describe('The ledger entry written.') }),
  execute: async (input, context) => {
    const { wallet } = context.services;
    const entry = wallet.credit(context.org.id, {
      amountCents: toCents(input.amountUsd),
      kind: 'credit',
      reason: input.reason ?? 'manual credit',
      // The ledger also refuses a second entry for the key, should the response cache be gone.
      idempotencyKey: input.idempotencyKey ? `credit:${input.idempotencyKey}` : undefined,
    });
    return { ...presentWallet(context, wallet.get(context.org.id)), entry: presentEntry(entry) };
  },
});

export const topUpWallet = defineTool({
  name: 'topup_wallet',
  title: 'Top up the wallet by card',
  description: 'Dashboard only: starts a card payment and returns the clientSecret the checkout confirms. The credit lands once the payment settles. Retry safely with an Idempotency-Key.',
  http: { method: 'POST', path: '/billing/wallet/topup', successStatus: 201 },
  auth: 'session',
  toolset: 'billing',
  flags: { destructive: true, idempotencyKey: true, openWorld: true },
  input: z.object({
    amountUsd: usdAmount('Dollars to charge, at least 0.50.', 0.5, 10_000),
    idempotencyKey: idempotencyKeyField,
  }),
  output: paymentSchema,
  execute: async (input, context) => presentPayment(await startPayment(context.services, context.org.id, 'topup', toCents(input.amountUsd), context.operation)),
});

export const configureWalletAutoReload = defineTool({
  name: 'configure_wallet_auto_reload',
  title: 'Configure wallet auto-reload',
  description: 'Dashboard only: when a charge takes the balance below thresholdUsd, one payment of amountUsd starts; the next starts only after the balance is back at or above the threshold. Returns the updated wallet.',
  http: { method: 'PUT', path: '/billing/wallet/auto-reload' },
  auth: 'session',
  toolset: 'billing',
  flags: { destructive: true, idempotent: true },
  input: z.object({
    enabled: z.boolean().describe('Turn auto-reload on or off.'),
    thresholdUsd: usdAmount('Reload when the balance drops below this many dollars.', 0, 100_000),
    amountUsd: usdAmount('Dollars to charge per reload, at least 0.50.', 0.5, 10_000),
  }),
  output: walletSchema,
  execute: async (input, context) =>
    presentWallet(
      context,
      context.services.wallet.setAutoReload(context.org.id, { enabled: input.enabled, thresholdCents: toCents(input.thresholdUsd), amountCents: toCents(input.amountUsd) }),
    ),
});

export const settlePayment = defineTool({
  name: 'settle_payment',
  title: 'Settle a sandbox payment',
  description: 'Dashboard only, sandbox provider only (404 otherwise): completes a test-mode card payment as succeeded (crediting the wallet once) or failed. Settling again changes nothing.',
  http: { method: 'POST', path: '/billing/payments/{paymentId}/settle' },
  auth: 'session',
  toolset: 'billing',
  flags: { destructive: true, idempotent: true },
  input: z.object({
    paymentId: idField('The payment id (pay_…).'),
    outcome: z.enum(['succeeded', 'failed']).default('succeeded').describe('How the test payment ends.'),
  }),
  output: paymentSchema,
  execute: async (input, context) => {
    const { wallet, config } = context.services;
    const payment = wallet.findPayment(context.org.id, input.paymentId);
    if (!payment || !paymentProvider(config).settlesOnRequest || payment.provider !== 'sandbox') throw notFound('payment', input.paymentId);
    return presentPayment(wallet.settlePayment(payment, input.outcome));
  },
});
