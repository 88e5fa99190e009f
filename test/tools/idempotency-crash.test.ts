/**
 * A server killed (SIGKILL) while a card top-up waits on the payment provider, then restarted on
 * the same data directory: the retry with the same Idempotency-Key takes the dead process's claim
 * over and finishes the same payment — one PaymentIntent, one credit.
 */
import fs from 'node:fs';
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, runCli, startServe, tempDir, type Served } from '../support/cli.ts';
import { startStripeServer, type StripeServer } from '../support/stripe-server.ts';
import { until } from '../support/worker-child.ts';

const WEBHOOK_SECRET = 'whsec_test_crash';
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(dataDir: string, port: number, stripe: StripeServer): Promise<Served> {
  const env = { FLOWYTE_STRIPE_SECRET_KEY: 'sk_test_crash', FLOWYTE_STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, FLOWYTE_STRIPE_API_BASE_URL: stripe.url };
  const served = await startServe(['--port', String(port), '--data-dir', dataDir], { env });
  cleanups.push(() => served.stop());
  return served;
}

async function sessionToken(dataDir: string): Promise<string> {
  expect((await runCli(['init', '--data-dir', dataDir])).code).toBe(0);
  const created = await runCli(['sessions', 'create', '--data-dir', dataDir, '--json']);
  expect(created.code).toBe(0);
  return (JSON.parse(created.stdout) as { token: string }).token;
}

async function killed(served: Served): Promise<void> {
  const exited = new Promise((resolve) => served.child.once('exit', resolve));
  served.child.kill('SIGKILL');
  await exited;
}

describe('Idempotency-Key after a crash', () => {
  it('a retry against the restarted server finishes the top-up the killed one started: one payment, one credit', async () => {
    const dataDir = tempDir();
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const stripe = await startStripeServer();
    cleanups.push(() => stripe.close());
    const token = await sessionToken(dataDir);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}/api/v1`;
    const topUp = () =>
      fetch(`${base}/billing/wallet/topup`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': 'topup-1' },
        body: JSON.stringify({ amountUsd: 20 }),
      });

    const first = await serve(dataDir, port, stripe);
    stripe.holding = true;
    const lost = topUp().catch((error: unknown) => error);
    await until(() => stripe.requests.length === 1, 30_000);
    // While the first process lives, its claim holds.
    const concurrent = await topUp();
    expect(concurrent.status).toBe(409);
    expect(((await concurrent.json()) as { code: string }).code).toBe('idempotency_in_progress');
    await killed(first);
    expect(await lost).toBeInstanceOf(Error);

    stripe.holding = false;
    await serve(dataDir, port, stripe);
    const retried = await topUp();
    expect(retried.status).toBe(201);
    const payment = ((await retried.json()) as { data: { paymentId: string; clientSecret: string; status: string } }).data;
    expect(payment).toMatchObject({ clientSecret: 'pi_test_1_secret_abc', status: 'pending' });
    // The re-run asked Stripe again with the same idempotency key, and got the same PaymentIntent back.
    expect(stripe.requests.map((request) => request.idempotencyKey)).toEqual([payment.paymentId, payment.paymentId]);
    expect(stripe.intents.size).toBe(1);

    const replayed = await topUp();
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(((await replayed.json()) as { data: unknown }).data).toEqual(payment);

    const event = JSON.stringify({ id: 'evt_crash', object: 'event', type: 'payment_intent.succeeded', api_version: '2024-06-20', created: 1_700_000_100, data: { object: { id: 'pi_test_1', object: 'payment_intent', amount: 2000, currency: 'usd', status: 'succeeded' } } });
    const signature = new Stripe('sk_test_signer').webhooks.generateTestHeaderString({ payload: event, secret: WEBHOOK_SECRET });
    const delivered = await fetch(`${base}/billing/stripe/webhook`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature }, body: event });
    expect(((await delivered.json()) as { paymentId: string }).paymentId).toBe(payment.paymentId);
    const ledger = await fetch(`${base}/billing/wallet/transactions`, { headers: { Authorization: `Bearer ${token}` } });
    const entries = ((await ledger.json()) as { data: Array<{ kind: string; amountCents: number }> }).data;
    expect(entries.map((entry) => [entry.kind, entry.amountCents])).toEqual([['topup', 2000]]);
  }, 120_000);
});
