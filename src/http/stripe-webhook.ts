/** `POST /api/v1/billing/stripe/webhook`: Stripe's signed payment events, checked by signature instead of an API key. */
import type { Hono } from 'hono';
import { FlowyteError } from '../errors.ts';
import type { Services } from '../services.ts';
import type { AppEnv } from './authenticate.ts';
import { applyPaymentEvent, paymentProvider } from '../runtime/payments/payments.ts';
import { StripePaymentProvider } from '../runtime/payments/stripe.ts';

export const STRIPE_WEBHOOK_PATH = '/api/v1/billing/stripe/webhook';

/** Mount the webhook (before authentication: Stripe signs its requests, it holds no key). */
export function mountStripeWebhook(app: Hono<AppEnv>, services: Services): void {
  app.post(STRIPE_WEBHOOK_PATH, async function stripeWebhook(c) {
    const provider = paymentProvider(services.config);
    if (!(provider instanceof StripePaymentProvider)) throw new FlowyteError('not_found', 'Stripe is not configured');
    // The signature covers the exact bytes, so the body is read as text, never re-serialized.
    const payload = await c.req.text();
    const event = await provider.readEvent(payload, c.req.header('stripe-signature'));
    const { applied, payment } = applyPaymentEvent(services, provider.name, event);
    return c.json({ received: true, applied, paymentId: payment?.id ?? null, paymentStatus: payment?.status ?? null });
  });
}
