import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { body, createPlatform, type Platform } from '../helpers.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { startStripeServer } from '../support/stripe-server.ts';

const closing = closeAfterEach();
const WEBHOOK_SECRET = 'whsec_test_flowyte';
const signer = new Stripe('sk_test_signer');

function intentEvent(eventId: string, type: string, intentId: string): string {
  return JSON.stringify({ id: eventId, object: 'event', type, api_version: '2024-06-20', created: 1_700_000_100, data: { object: { id: intentId, object: 'payment_intent', amount: 2000, currency: 'usd', status: type === 'payment_intent.succeeded' ? 'succeeded' : 'requires_payment_method' } } });
}

async function deliver(platform: Platform, payload: string, secret = WEBHOOK_SECRET): Promise<Response> {
  const signature = signer.webhooks.generateTestHeaderString({ payload, secret });
  return platform.app.request('/api/v1/billing/stripe/webhook', { method: 'POST', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature }, body: payload });
}

async function stripePlatform() {
  const stripe = closing(await startStripeServer());
  const platform = closing(createPlatform({ stripeSecretKey: 'sk_test_flowyte', stripeWebhookSecret: WEBHOOK_SECRET, stripeApiBaseUrl: stripe.url }));
  const started = await platform.request('POST', '/billing/wallet/topup', { body: { amountUsd: 20 }, token: platform.orgA.session.token });
  expect(started.status).toBe(201);
  return { stripe, platform, payment: (await body(started)).data, orgId: platform.orgA.org.id };
}

describe('Stripe payments', () => {
  it('creates a PaymentIntent (form-encoded, usd, org and payment id in metadata) and returns its client secret', async () => {
    const { stripe, payment, orgId } = await stripePlatform();
    expect(payment).toEqual({ paymentId: expect.stringMatching(/^pay_/), clientSecret: 'pi_test_1_secret_abc', amountCents: 2000, status: 'pending', provider: 'stripe' });
    expect(stripe.requests).toHaveLength(1);
    const [request] = stripe.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/payment_intents', authorization: 'Bearer sk_test_flowyte', idempotencyKey: payment.paymentId });
    expect(request.form).toMatchObject({ amount: '2000', currency: 'usd', 'metadata[org_id]': orgId, 'metadata[payment_id]': payment.paymentId });
  });

  it('credits once for a correctly signed payment_intent.succeeded, ignoring duplicates and a later failure event', async () => {
    const { platform, payment, orgId } = await stripePlatform();
    const succeeded = intentEvent('evt_1', 'payment_intent.succeeded', 'pi_test_1');

    const forged = await deliver(platform, succeeded, 'whsec_wrong');
    expect(forged.status).toBe(400);
    expect((await body(forged)).code).toBe('invalid_signature');
    const unsigned = await platform.app.request('/api/v1/billing/stripe/webhook', { method: 'POST', body: succeeded });
    expect(unsigned.status).toBe(400);
    expect(platform.services.wallet.balance(orgId)).toBe(0);

    const first = await deliver(platform, succeeded);
    expect(first.status).toBe(200);
    expect(await body(first)).toEqual({ received: true, applied: true, paymentId: payment.paymentId, paymentStatus: 'succeeded' });
    expect(platform.services.wallet.balance(orgId)).toBe(2000);

    expect(await body(await deliver(platform, succeeded))).toEqual({ received: true, applied: false, paymentId: null, paymentStatus: null });
    expect(await body(await deliver(platform, intentEvent('evt_2', 'payment_intent.succeeded', 'pi_test_1')))).toMatchObject({ applied: false, paymentStatus: 'succeeded' });
    expect(await body(await deliver(platform, intentEvent('evt_3', 'payment_intent.payment_failed', 'pi_test_1')))).toMatchObject({ applied: false, paymentStatus: 'succeeded' });

    expect(platform.services.wallet.balance(orgId)).toBe(2000);
    expect(platform.services.wallet.entries(orgId, { limit: 10 }).items.map((entry) => [entry.kind, entry.amountCents])).toEqual([['topup', 2000]]);
  });

  it('a failure event leaves the wallet untouched and a later success for it changes nothing', async () => {
    const { platform, payment, orgId } = await stripePlatform();
    expect(await body(await deliver(platform, intentEvent('evt_f', 'payment_intent.payment_failed', 'pi_test_1')))).toMatchObject({ applied: true, paymentStatus: 'failed' });
    expect(await body(await deliver(platform, intentEvent('evt_s', 'payment_intent.succeeded', 'pi_test_1')))).toMatchObject({ applied: false, paymentId: payment.paymentId, paymentStatus: 'failed' });
    expect(platform.services.wallet.balance(orgId)).toBe(0);
  });

  it('refuses the sandbox settle endpoint for Stripe payments, and the webhook without Stripe configured (404)', async () => {
    const { platform, payment } = await stripePlatform();
    const settle = await platform.request('POST', `/billing/payments/${payment.paymentId}/settle`, { body: {}, token: platform.orgA.session.token });
    expect(settle.status).toBe(404);
    const sandbox = closing(createPlatform());
    const webhook = await deliver(sandbox, intentEvent('evt_x', 'payment_intent.succeeded', 'pi_x'));
    expect(webhook.status).toBe(404);
  });
});
