/** Card payments into the wallet: start one with the configured provider, settle it once. */
import type { Config } from '../../config.ts';
import type { Services } from '../../services.ts';
import type { DebitResult, EntryRequest, Payment, PaymentPurpose } from '../../store/wallet.ts';
import type { Operation } from '../../store/idempotency.ts';
import { SandboxPaymentProvider, type PaymentProvider } from './provider.ts';
import { StripePaymentProvider, type PaymentEvent } from './stripe.ts';

const providers = new WeakMap<Config, PaymentProvider>();

/** The provider the configuration chooses: Stripe when a secret key is set, else the sandbox. */
export function paymentProvider(config: Config): PaymentProvider {
  let provider = providers.get(config);
  if (!provider) {
    provider = config.stripeSecretKey
      ? new StripePaymentProvider({ secretKey: config.stripeSecretKey, webhookSecret: config.stripeWebhookSecret, apiBaseUrl: config.stripeApiBaseUrl })
      : new SandboxPaymentProvider();
    providers.set(config, provider);
  }
  return provider;
}

/**
 * Record a pending payment and ask the provider to start it; a refusal fails the payment and is
 * thrown. Under an Idempotency-Key the payment is recorded as the operation's effect, so that a
 * re-run after a crash asks the provider for the same payment (our payment id is its idempotency
 * key) rather than starting a second one.
 */
export async function startPayment(services: Services, orgId: string, purpose: PaymentPurpose, amountCents: number, operation?: Operation): Promise<Payment> {
  const earlier = operation?.effect ? services.wallet.findPayment(orgId, operation.effect) : undefined;
  if (earlier && earlier.providerPaymentId !== null) return earlier;
  const payment =
    earlier ??
    services.wallet.atomically(() => {
      const created = services.wallet.createPayment(orgId, { purpose, provider: paymentProvider(services.config).name, amountCents });
      operation?.record(created.id);
      return created;
    });
  try {
    return await askProvider(services, payment);
  } catch (error) {
    failUnstarted(services, payment);
    throw error;
  }
}

/**
 * Ask the provider to start a recorded payment and store its answer. Safe to repeat: our payment
 * id is the provider's idempotency key.
 */
export async function askProvider(services: Services, payment: Payment): Promise<Payment> {
  const provider = paymentProvider(services.config);
  const started = await provider.createPayment({ paymentId: payment.id, orgId: payment.orgId, amountCents: payment.amountCents, currency: 'usd' });
  services.wallet.attachProviderPayment(payment.id, provider.name, started.providerPaymentId, started.clientSecret);
  return services.wallet.findPayment(payment.orgId, payment.id)!;
}

/** Settle a payment the provider never started as failed (a failed reload re-arms auto-reload). */
export function failUnstarted(services: Services, payment: Payment): Payment {
  services.wallet.attachProviderPayment(payment.id, paymentProvider(services.config).name, `unstarted_${payment.id}`, null);
  return services.wallet.settlePayment(payment, 'failed');
}

/**
 * Take money from the wallet: the ledger's own debit, whatever the billing mode (billing itself
 * takes money only through billingWallet, see billing/mode.ts). A debit that crosses below the auto-reload threshold records
 * `wallet.low_balance` and queues the reload's job in its own write (see auto-reload.ts); the
 * provider is asked by that job, never here.
 */
export async function debitWallet(services: Services, orgId: string, request: EntryRequest): Promise<DebitResult> {
  return services.wallet.debit(orgId, request);
}

/** Apply a verified provider event: each event id once; a payment settles once, whatever order events arrive in. */
export function applyPaymentEvent(services: Services, provider: string, event: PaymentEvent): { applied: boolean; payment: Payment | null } {
  return services.wallet.atomically(() => {
    if (!services.wallet.recordEvent(`${provider}:${event.eventId}`, event.type)) return { applied: false, payment: null };
    const payment = event.providerPaymentId ? services.wallet.findPaymentByProviderId(provider, event.providerPaymentId) : undefined;
    if (!payment || !event.outcome) return { applied: false, payment: payment ?? null };
    const settled = services.wallet.settlePayment(payment, event.outcome);
    return { applied: payment.status === 'pending', payment: settled };
  });
}
