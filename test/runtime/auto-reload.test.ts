import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { createBackground } from '../../src/runtime/background.ts';
import { queueReload, RELOAD_JOB } from '../../src/runtime/payments/auto-reload.ts';
import { debitWallet } from '../../src/runtime/payments/payments.ts';
import { createPlatform, PREPAID, type Platform } from '../helpers.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { startStripeServer } from '../support/stripe-server.ts';
import { startWebhookServer } from '../support/webhook-server.ts';

const closing = closeAfterEach();

/** A prepaid platform on a controlled clock, with a background (worked by hand: `drain`, `tick`). */
function setUp(overrides: Partial<Config> = {}) {
  let clock = Date.now();
  const platform = closing(createPlatform({ ...PREPAID, ...overrides }, undefined, () => new Date(clock)));
  const background = createBackground(platform.services);
  return {
    platform,
    background,
    orgId: platform.orgA.org.id,
    wallet: platform.services.wallet,
    advance: (ms: number) => (clock += ms),
    debit: (cents: number) => debitWallet(platform.services, platform.orgA.org.id, { amountCents: cents, kind: 'debit' }),
  };
}

async function configure(platform: Platform, settings: { enabled: boolean; thresholdUsd: number; amountUsd: number }): Promise<void> {
  const response = await platform.request('PUT', '/billing/wallet/auto-reload', { body: settings, token: platform.orgA.session.token });
  expect(response.status).toBe(200);
}

function reloadJobs(platform: Platform, paymentId: string): { status: string; attempts: number }[] {
  return platform.services.db.prepare('SELECT status, attempts FROM jobs WHERE kind = ? AND subject_id = ? ORDER BY id').all(RELOAD_JOB, paymentId) as {
    status: string;
    attempts: number;
  }[];
}

describe('auto-reload job', () => {
  it('starts the reload payment through a durable job queued with the debit; running the job again changes nothing', async () => {
    const { platform, background, orgId, wallet, debit } = setUp();
    await configure(platform, { enabled: true, thresholdUsd: 20, amountUsd: 50 });
    wallet.credit(orgId, { amountCents: 2500, kind: 'credit' });
    const { reload } = await debit(600);
    expect(reload).toMatchObject({ purpose: 'auto_reload', status: 'pending', provider: 'unassigned', providerPaymentId: null });
    expect(reloadJobs(platform, reload!.id)).toEqual([{ status: 'queued', attempts: 0 }]);

    expect(await background.worker.drain()).toBe(1);
    const started = wallet.findPayment(orgId, reload!.id)!;
    expect(started).toMatchObject({ status: 'pending', provider: 'sandbox', providerPaymentId: `sbx_${reload!.id}`, clientSecret: expect.stringMatching(/_secret_/) });

    queueReload(platform.services, started);
    expect(await background.worker.drain()).toBe(1);
    expect(wallet.findPayment(orgId, reload!.id)).toEqual(started);
    expect(reloadJobs(platform, reload!.id)).toEqual([{ status: 'done', attempts: 1 }, { status: 'done', attempts: 1 }]);

    await platform.request('POST', `/billing/payments/${reload!.id}/settle`, { body: {}, token: platform.orgA.session.token });
    expect(wallet.balance(orgId)).toBe(1900 + 5000);
  });

  it('the background tick starts a reload left unstarted by a crash between the debit and its job', async () => {
    const { platform, background, orgId, wallet } = setUp();
    // What a process that died after writing the reload payment but before queueing its job leaves behind.
    const orphan = wallet.createPayment(orgId, { purpose: 'auto_reload', provider: 'unassigned', amountCents: 5000 });
    expect(reloadJobs(platform, orphan.id)).toEqual([]);
    expect(await background.worker.drain()).toBe(0);

    background.tick();
    background.tick();
    expect(reloadJobs(platform, orphan.id)).toEqual([{ status: 'queued', attempts: 0 }]);
    expect(await background.worker.drain()).toBe(1);
    expect(wallet.findPayment(orgId, orphan.id)).toMatchObject({ status: 'pending', provider: 'sandbox', providerPaymentId: `sbx_${orphan.id}` });

    // Started: the sweep leaves it alone.
    background.tick();
    expect(reloadJobs(platform, orphan.id)).toEqual([{ status: 'done', attempts: 1 }]);
  });

  it('retries a provider failure with backoff; after the fifth try the reload fails and auto-reload re-arms', async () => {
    const stripe = closing(await startStripeServer());
    const { platform, background, orgId, wallet, debit, advance } = setUp({ stripeSecretKey: 'sk_test_flowyte', stripeApiBaseUrl: stripe.url });
    await configure(platform, { enabled: true, thresholdUsd: 20, amountUsd: 50 });
    wallet.credit(orgId, { amountCents: 2500, kind: 'credit' });
    stripe.down = true;
    const { reload } = await debit(600);

    expect(await background.worker.drain()).toBe(1);
    for (const backoff of [2_000, 8_000, 32_000, 128_000]) {
      expect(wallet.findPayment(orgId, reload!.id)).toMatchObject({ status: 'pending', provider: 'unassigned' });
      advance(backoff - 1);
      expect(await background.worker.drain()).toBe(0);
      advance(1);
      expect(await background.worker.drain()).toBe(1);
    }
    expect(stripe.requests.map((request) => request.idempotencyKey)).toEqual(Array(5).fill(reload!.id));
    expect(reloadJobs(platform, reload!.id)).toEqual([{ status: 'failed', attempts: 5 }]);
    expect(wallet.findPayment(orgId, reload!.id)).toMatchObject({ status: 'failed', provider: 'stripe', providerPaymentId: `unstarted_${reload!.id}` });
    background.tick();
    expect(reloadJobs(platform, reload!.id)).toHaveLength(1);

    // Re-armed: the next charge below the threshold starts a new reload, which goes through now.
    stripe.down = false;
    const { reload: again } = await debit(100);
    expect(again).toMatchObject({ status: 'pending', provider: 'unassigned' });
    expect(await background.worker.drain()).toBe(1);
    expect(wallet.findPayment(orgId, again!.id)).toMatchObject({ status: 'pending', provider: 'stripe', providerPaymentId: 'pi_test_1' });
    expect(wallet.balance(orgId)).toBe(1800);
  });
});

describe('wallet.low_balance', () => {
  it('reaches a subscribed webhook endpoint once per crossing below the threshold, with auto-reload off or on', async () => {
    const hooks = closing(await startWebhookServer());
    const { platform, background, orgId, wallet, debit } = setUp({ allowPrivateNetwork: true });
    const created = await platform.request('POST', '/webhooks', { body: { url: `${hooks.url}/hooks`, events: ['wallet.low_balance'] } });
    expect(created.status).toBe(201);
    await configure(platform, { enabled: false, thresholdUsd: 20, amountUsd: 50 });
    wallet.credit(orgId, { amountCents: 2500, kind: 'credit' });

    for (const cents of [300, 300, 100, 100]) expect((await debit(cents)).reload).toBeNull(); // 2200, 1900 (crosses), 1800, 1700
    await background.worker.drain();
    expect(hooks.received.map((request) => request.body)).toEqual([
      { type: 'wallet.low_balance', timestamp: expect.any(String), data: { balanceCents: 1900, balanceUsd: 19, thresholdUsd: 20, reloadPaymentId: null } },
    ]);

    // Back above the threshold re-arms; with auto-reload on, the next crossing names its reload.
    wallet.credit(orgId, { amountCents: 1000, kind: 'credit' });
    await configure(platform, { enabled: true, thresholdUsd: 20, amountUsd: 50 });
    const { reload } = await debit(850); // 1850: crosses
    await debit(50);
    await background.worker.drain();
    expect(hooks.received.map((request) => request.body.data)).toEqual([
      { balanceCents: 1900, balanceUsd: 19, thresholdUsd: 20, reloadPaymentId: null },
      { balanceCents: 1850, balanceUsd: 18.5, thresholdUsd: 20, reloadPaymentId: reload!.id },
    ]);
    expect(hooks.received.every((request) => request.headers['webhook-id'])).toBe(true);
  });

  it('is not recorded without a threshold', async () => {
    const { platform, orgId, wallet, debit } = setUp();
    wallet.credit(orgId, { amountCents: 100, kind: 'credit' });
    await debit(100);
    expect(platform.services.events.list(orgId).map((event) => event.type)).not.toContain('wallet.low_balance');
  });
});
