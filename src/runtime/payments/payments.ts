/** Card payments into the wallet: start one with the configured provider, settle it once, reload automatically. */
import type { Config } from '../../config.ts';
import type { Services } from '../../services.ts';
import type { DebitResult, EntryRequest, Payment, PaymentPurpose } from '../../store/wallet.ts';
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

/** Record a pending payment and ask the provider to start it. */
export async function startPayment(services: Services, orgId: string, purpose: PaymentPurpose, amountCents: number): Promise<Payment> {
  const provider = paymentProvider(services.config);
  const payment = services.wallet.createPayment(orgId, { purpose, provider: provider.name, amountCents });
  return askProvider(services, provider, payment);
}

async function askProvider(services: Services, provider: PaymentProvider, payment: Payment): Promise<Payment> {
  try {
    const started = await provider.createPayment({ paymentId: payment.id, orgId: payment.orgId, amountCents: payment.amountCents, currency: 'usd' });
    services.wallet.attachProviderPayment(payment.id, provider.name, started.providerPaymentId, started.clientSecret);
  } catch (error) {
    services.wallet.attachProviderPayment(payment.id, provider.name, `unstarted_${payment.id}`, null);
    services.wallet.settlePayment(payment, 'failed');
    throw error;
  }
  return services.wallet.findPayment(payment.orgId, payment.id)!;
}

/** Take money from the wallet; when that crosses the auto-reload threshold, start the one reload payment. */
export async function debitWallet(services: Services, orgId: string, request: EntryRequest): Promise<DebitResult> {
  const result = services.wallet.debit(orgId, request);
  if (!result.reload) return result;
  try {
    return { ...result, reload: await askProvider(services, paymentProvider(services.config), result.reload) };
  } catch (error) {
    // The debit stands; the failed reload is re-armed and logged, and the next debit tries again.
    services.logger.error('auto-reload payment failed to start', { orgId, paymentId: result.reload.id, error: String(error) });
    return { ...result, reload: services.wallet.findPayment(orgId, result.reload.id)! };
  }
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
