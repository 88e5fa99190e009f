import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createServices } from '../../src/services.ts';
import { SECRET_KEY_SCOPES } from '../../src/auth/scopes.ts';
import { FlowyteError } from '../../src/errors.ts';
import { debitWallet } from '../../src/runtime/payments/payments.ts';
import { createBackground } from '../../src/runtime/background.ts';
import { body, createPlatform, PREPAID, quietLogger, type Platform } from '../helpers.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';

const root = path.resolve(import.meta.dirname, '../..');
const closing = closeAfterEach();

function platformWithSession(): { platform: Platform; session: string; orgId: string } {
  const platform = closing(createPlatform(PREPAID));
  return { platform, session: platform.orgA.session.token, orgId: platform.orgA.org.id };
}

function autoReloads(platform: Platform, orgId: string): number {
  return platform.services.db.prepare("SELECT count(*) FROM payments WHERE org_id = ? AND purpose = 'auto_reload'").pluck().get(orgId) as number;
}

describe('wallet ledger', () => {
  it('never goes negative under 50 concurrent debits: exactly floor(balance / amount) succeed', async () => {
    const { platform, orgId } = platformWithSession();
    platform.services.wallet.credit(orgId, { amountCents: 1000, kind: 'credit' });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) => debitWallet(platform.services, orgId, { amountCents: 30, kind: 'debit', reason: `call ${index}` })),
    );
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => (outcome as PromiseRejectedResult).reason as FlowyteError);
    expect(outcomes.length - refused.length).toBe(33);
    expect(refused).toHaveLength(17);
    expect(new Set(refused.map((error) => `${error.code} ${error.status}`))).toEqual(new Set(['insufficient_balance 402']));
    expect(platform.services.wallet.balance(orgId)).toBe(10);
    const sum = platform.services.db.prepare('SELECT sum(amount_cents), min(balance_after_cents), count(*) FROM ledger_entries WHERE org_id = ?').raw().get(orgId);
    expect(sum).toEqual([10, 10, 34]);
  });

  it('returns the first entry for a repeated idempotency key instead of writing again', () => {
    const { platform, orgId } = platformWithSession();
    const first = platform.services.wallet.credit(orgId, { amountCents: 500, kind: 'credit', idempotencyKey: 'k1' });
    const again = platform.services.wallet.credit(orgId, { amountCents: 500, kind: 'credit', idempotencyKey: 'k1' });
    expect(again).toEqual(first);
    expect(platform.services.wallet.balance(orgId)).toBe(500);
  });

  it('loses no acknowledged entry when the writing process is killed with SIGKILL mid-burst', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowyte-ledger-'));
    const env = { FLOWYTE_DATA_DIR: dataDir };
    const setup = createServices(loadConfig(env), { logger: quietLogger });
    const orgId = setup.credentials.bootstrapOrg('Burst', 'burst@example.com', SECRET_KEY_SCOPES).org.id;
    setup.wallet.credit(orgId, { amountCents: 100, kind: 'credit', reason: 'opening balance' });
    setup.close();

    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/ledger-writer.ts'], { cwd: root, env: { ...process.env, ...env, LEDGER_ORG_ID: orgId } });
    const acknowledged: string[] = [];
    let buffered = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) acknowledged.push(line.split(' ')[1]);
        if (acknowledged.length >= 400) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`writer exited early (${code})`)));
    });
    await new Promise((resolve) => child.once('exit', resolve));

    const reopened = createServices(loadConfig(env), { logger: quietLogger });
    try {
      const stored = new Set(reopened.db.prepare('SELECT id FROM ledger_entries WHERE org_id = ?').pluck().all(orgId) as string[]);
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      expect(stored.size).toBeGreaterThanOrEqual(acknowledged.length + 1);
      const total = reopened.db.prepare('SELECT sum(amount_cents) FROM ledger_entries WHERE org_id = ?').pluck().get(orgId);
      expect(reopened.wallet.balance(orgId)).toBe(total);
      const last = reopened.db.prepare('SELECT balance_after_cents FROM ledger_entries WHERE org_id = ? ORDER BY id DESC LIMIT 1').pluck().get(orgId);
      expect(last).toBe(total);
    } finally {
      reopened.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('wallet tools', () => {
  it('GET /billing/wallet answers an empty wallet in cents and dollars', async () => {
    const { platform } = platformWithSession();
    const response = await platform.request('GET', '/billing/wallet');
    expect(response.status).toBe(200);
    const { data } = await body(response);
    expect(data).toEqual({ billingMode: 'prepaid', balanceCents: 0, balanceUsd: 0, owedUsd: 0, currency: 'usd', autoReload: { enabled: false, thresholdUsd: 0, amountUsd: 0 }, updatedAt: expect.any(String) });
  });

  it('POST /billing/wallet/credit replays a repeated Idempotency-Key without a second entry', async () => {
    const { platform } = platformWithSession();
    const send = (amountUsd: number) =>
      platform.request('POST', '/billing/wallet/credit', { body: { amountUsd, reason: 'Onboarding' }, headers: { 'Idempotency-Key': 'onboard-1' } });
    const first = await send(12.5);
    expect(first.status).toBe(200);
    const firstData = (await body(first)).data;
    expect(firstData).toMatchObject({ balanceCents: 1250, balanceUsd: 12.5, entry: { amountCents: 1250, kind: 'credit', reason: 'Onboarding', balanceAfterCents: 1250 } });
    const second = await send(12.5);
    expect(second.status).toBe(200);
    expect((await body(second)).data).toEqual(firstData);
    const reused = await send(99);
    expect(reused.status).toBe(422);
    expect((await body(reused)).code).toBe('idempotency_key_reused');
    const list = await body(await platform.request('GET', '/billing/wallet/transactions'));
    expect(list.data.map((entry: { amountCents: number }) => entry.amountCents)).toEqual([1250]);
    expect(list.hasMore).toBe(false);
  });

  it('pages the ledger newest first with a cursor', async () => {
    const { platform, orgId } = platformWithSession();
    for (const cents of [100, 200, 300]) platform.services.wallet.credit(orgId, { amountCents: cents, kind: 'credit' });
    const first = await body(await platform.request('GET', '/billing/wallet/transactions?limit=2'));
    expect(first.data.map((entry: { amountCents: number }) => entry.amountCents)).toEqual([300, 200]);
    expect(first.hasMore).toBe(true);
    const second = await body(await platform.request('GET', `/billing/wallet/transactions?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`));
    expect(second.data.map((entry: { balanceAfterCents: number }) => entry.balanceAfterCents)).toEqual([100]);
    expect(second.nextCursor).toBeNull();
  });

  it('top-up: needs a dashboard session, credits only once the sandbox payment settles, and once however often it is settled', async () => {
    const { platform, session, orgId } = platformWithSession();
    const withKey = await platform.request('POST', '/billing/wallet/topup', { body: { amountUsd: 20 } });
    expect(withKey.status).toBe(403);
    expect((await body(withKey)).code).toBe('dashboard_session_required');

    const started = await platform.request('POST', '/billing/wallet/topup', { body: { amountUsd: 20 }, token: session, headers: { 'Idempotency-Key': 'top-1' } });
    expect(started.status).toBe(201);
    const payment = (await body(started)).data;
    expect(payment).toEqual({ paymentId: expect.stringMatching(/^pay_/), clientSecret: expect.stringMatching(/_secret_/), amountCents: 2000, status: 'pending', provider: 'sandbox' });
    expect(platform.services.wallet.balance(orgId)).toBe(0);

    const otherOrg = await platform.request('POST', `/billing/payments/${payment.paymentId}/settle`, { body: {}, token: platform.orgB.session.token });
    expect(otherOrg.status).toBe(404);
    for (let attempt = 0; attempt < 2; attempt++) {
      const settled = await platform.request('POST', `/billing/payments/${payment.paymentId}/settle`, { body: {}, token: session });
      expect(settled.status).toBe(200);
      expect((await body(settled)).data).toMatchObject({ paymentId: payment.paymentId, status: 'succeeded' });
    }
    const late = await platform.request('POST', `/billing/payments/${payment.paymentId}/settle`, { body: { outcome: 'failed' }, token: session });
    expect((await body(late)).data.status).toBe('succeeded');
    expect(platform.services.wallet.balance(orgId)).toBe(2000);
    const entries = platform.services.wallet.entries(orgId, { limit: 10 }).items;
    expect(entries.map((entry) => [entry.kind, entry.amountCents, entry.reference])).toEqual([['topup', 2000, payment.paymentId]]);
  });

  it('auto-reload starts exactly one payment per crossing below the threshold, re-armed once the balance is back', async () => {
    const { platform, session, orgId } = platformWithSession();
    const configured = await platform.request('PUT', '/billing/wallet/auto-reload', { body: { enabled: true, thresholdUsd: 20, amountUsd: 50 }, token: session });
    expect(configured.status).toBe(200);
    expect((await body(configured)).data.autoReload).toEqual({ enabled: true, thresholdUsd: 20, amountUsd: 50 });
    platform.services.wallet.credit(orgId, { amountCents: 2500, kind: 'credit' });

    const debit = (cents: number) => debitWallet(platform.services, orgId, { amountCents: cents, kind: 'debit' });
    expect((await debit(300)).reload).toBeNull(); // 2200: still above
    const crossing = await debit(300); // 1900: crosses
    // Recorded with the debit; its job asks the provider.
    expect(crossing.reload).toMatchObject({ purpose: 'auto_reload', amountCents: 5000, status: 'pending', provider: 'unassigned' });
    for (let index = 0; index < 5; index++) expect((await debit(100)).reload).toBeNull();
    expect(autoReloads(platform, orgId)).toBe(1);
    await createBackground(platform.services).worker.drain();
    expect(platform.services.wallet.findPayment(orgId, crossing.reload!.id)?.provider).toBe('sandbox');

    await platform.request('POST', `/billing/payments/${crossing.reload!.id}/settle`, { body: {}, token: session });
    expect(platform.services.wallet.balance(orgId)).toBe(1400 + 5000);
    expect((await debit(4500)).reload).not.toBeNull(); // 1900: a second crossing
    expect((await debit(100)).reload).toBeNull();
    expect(autoReloads(platform, orgId)).toBe(2);
    expect(platform.services.wallet.balance(orgId)).toBe(1800);
  });
});
