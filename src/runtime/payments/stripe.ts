/** Stripe: PaymentIntents for card payments, and signed webhook events for their outcome. */
import type Stripe from 'stripe';
import { FlowyteError } from '../../errors.ts';
import type { PaymentProvider, PaymentRequest, StartedPayment } from './provider.ts';

export interface StripeSettings {
  secretKey: string;
  webhookSecret?: string;
  /** Another API origin (tests run a local server speaking Stripe's API). */
  apiBaseUrl?: string;
}

/** The outcome of a payment, as read from a verified webhook event. */
export interface PaymentEvent {
  eventId: string;
  type: string;
  providerPaymentId: string | null;
  outcome: 'succeeded' | 'failed' | null;
}

const OUTCOMES: Record<string, 'succeeded' | 'failed'> = {
  'payment_intent.succeeded': 'succeeded',
  'payment_intent.payment_failed': 'failed',
  'payment_intent.canceled': 'failed',
};

export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe';
  readonly settlesOnRequest = false;
  private client?: Stripe;

  constructor(private readonly settings: StripeSettings) {}

  /** Stripe's SDK loads with the first payment or webhook, not with every server start. */
  private async stripe(): Promise<Stripe> {
    if (this.client) return this.client;
    const { default: StripeClient } = await import('stripe');
    const base = this.settings.apiBaseUrl ? new URL(this.settings.apiBaseUrl) : undefined;
    this.client = new StripeClient(this.settings.secretKey, {
      maxNetworkRetries: 1,
      ...(base && { host: base.hostname, port: base.port || undefined, protocol: base.protocol === 'http:' ? 'http' : 'https' }),
    });
    return this.client;
  }

  async createPayment(request: PaymentRequest): Promise<StartedPayment> {
    try {
      const intent = await (await this.stripe()).paymentIntents.create(
        {
          amount: request.amountCents,
          currency: request.currency,
          metadata: { org_id: request.orgId, payment_id: request.paymentId },
          automatic_payment_methods: { enabled: true },
        },
        { idempotencyKey: request.paymentId },
      );
      return { providerPaymentId: intent.id, clientSecret: intent.client_secret };
    } catch (error) {
      throw new FlowyteError('payment_provider_error', 'Stripe did not accept the payment; try again later', { cause: error });
    }
  }

  /** Check a webhook delivery's Stripe-Signature and read the payment outcome it reports. */
  async readEvent(payload: string, signature: string | undefined): Promise<PaymentEvent> {
    if (!this.settings.webhookSecret) throw new FlowyteError('not_found', 'Stripe webhooks are not configured');
    const client = await this.stripe();
    let event: Stripe.Event;
    try {
      event = client.webhooks.constructEvent(payload, signature ?? '', this.settings.webhookSecret);
    } catch (error) {
      throw new FlowyteError('invalid_signature', 'the Stripe-Signature header does not match this payload', { cause: error });
    }
    const object = event.data.object as { object?: string; id?: string };
    const isIntent = object.object === 'payment_intent' && typeof object.id === 'string';
    return { eventId: event.id, type: event.type, providerPaymentId: isIntent ? object.id! : null, outcome: OUTCOMES[event.type] ?? null };
  }
}
