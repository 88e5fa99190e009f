/**
 * Plans, the subscription and its periods, metered usage taken from the wallet (what it cannot
 * cover is owed), daily records and itemized charges, and invoices with their PDF: all over REST
 * on a movable clock.
 */
import { describe, expect, it } from 'vitest';
import { body, PREPAID } from '../helpers.ts';
import { createChatPlatform, parseSse, STARTING_CREDIT_CENTS, type ChatPlatform } from '../chat-helpers.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { chargeUsage } from '../../src/runtime/billing/meter.ts';
import { extractPdf } from '../../src/runtime/knowledge/extract/pdf.ts';

const opened = closeAfterEach();

let clock = new Date('2026-03-10T12:00:00Z');
const setClock = (iso: string) => (clock = new Date(iso));

async function platformAt(iso: string): Promise<ChatPlatform> {
  setClock(iso);
  return opened(await createChatPlatform(PREPAID, () => new Date(clock)));
}

async function ok(platform: ChatPlatform, method: string, path: string, payload?: unknown, token?: string): Promise<any> {
  const response = await platform.request(method, path, { body: payload, token });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await body(response)).data;
}

const session = (platform: ChatPlatform) => platform.orgA.session.token;
const balance = async (platform: ChatPlatform) => (await ok(platform, 'GET', '/billing/wallet')).balanceCents as number;

/** A live chat with these messages, ended. */
async function liveChat(platform: ChatPlatform, messages: string[], agentId = platform.agentId): Promise<string> {
  const chat = await ok(platform, 'POST', '/chat/sessions', { agentId });
  for (const content of messages) await ok(platform, 'POST', `/chat/sessions/${chat.id}/messages`, { content });
  await ok(platform, 'POST', `/chat/sessions/${chat.id}/end`);
  return chat.id;
}

describe('plans and the subscription', () => {
  it('lists the three plans, cheapest first, in dollars', async () => {
    const platform = await platformAt('2026-03-10T12:00:00Z');
    const items = await ok(platform, 'GET', '/billing/plans');
    expect(items.map((plan: any) => [plan.id, plan.name, plan.monthlyPriceUsd, plan.includedMinutes, plan.overageRateUsd])).toEqual([
      ['starter', 'Starter', 0, 0, 0.12],
      ['growth', 'Growth', 49, 600, 0.1],
      ['scale', 'Scale', 199, 3000, 0.08],
    ]);
  });

  it('starts an account on Starter for a month, renewing on the same day of the next month', async () => {
    const platform = await platformAt('2026-01-31T09:30:00Z');
    expect(await ok(platform, 'GET', '/billing/subscription')).toEqual({
      billingMode: 'prepaid',
      planId: 'starter',
      plan: expect.objectContaining({ id: 'starter', monthlyPriceUsd: 0 }),
      status: 'active',
      currentPeriodStart: '2026-01-31T09:30:00.000Z',
      currentPeriodEnd: '2026-02-28T09:30:00.000Z',
      renewsAt: '2026-02-28T09:30:00.000Z',
      includedMinutesUsed: 0,
      includedMinutesRemaining: 0,
      pendingPlanId: null,
    });
    setClock('2026-03-01T00:00:00Z');
    expect(await ok(platform, 'GET', '/billing/subscription')).toMatchObject({ currentPeriodStart: '2026-02-28T09:30:00.000Z', currentPeriodEnd: '2026-03-28T09:30:00.000Z' });
  });

  it('changes plan only from a dashboard session', async () => {
    const platform = await platformAt('2026-03-10T12:00:00Z');
    const response = await platform.request('POST', '/billing/subscription', { body: { planId: 'growth' } });
    expect(response.status).toBe(403);
    expect((await body(response)).code).toBe('dashboard_session_required');
  });

  it('upgrades at once: takes the fee, closes the period with an invoice and starts a new one with the included minutes', async () => {
    const platform = await platformAt('2026-03-10T12:00:00Z');
    await platform.publish();
    await liveChat(platform, ['When are you open?', 'How much is a visit?']);
    setClock('2026-03-15T08:00:00Z');
    const upgraded = await ok(platform, 'POST', '/billing/subscription', { planId: 'growth' }, session(platform));
    expect(upgraded).toMatchObject({
      planId: 'growth',
      currentPeriodStart: '2026-03-15T08:00:00.000Z',
      currentPeriodEnd: '2026-04-15T08:00:00.000Z',
      includedMinutesRemaining: 600,
      pendingPlanId: null,
    });
    expect(await balance(platform)).toBe(STARTING_CREDIT_CENTS - 2 - 4900);
    const [invoice, ...older] = await ok(platform, 'GET', '/billing/invoices');
    expect(older).toEqual([]);
    expect(invoice).toMatchObject({
      number: 'INV-000001',
      planId: 'starter',
      periodStart: '2026-03-10T12:00:00.000Z',
      periodEnd: '2026-03-15T08:00:00.000Z',
      lines: [{ description: 'Chat replies', kind: 'chat_message', quantity: 2, includedQuantity: 0, credits: 2 }],
      totalCents: 2,
      totalUsd: 0.02,
      status: 'paid',
      pdfUrl: `/billing/invoices/${invoice.id}/pdf`,
    });
  });

  it('refuses an upgrade the wallet cannot pay with 402, changing nothing', async () => {
    const platform = await platformAt('2026-03-10T12:00:00Z');
    const before = await ok(platform, 'GET', '/billing/subscription');
    const response = await platform.request('POST', '/billing/subscription', { body: { planId: 'scale' }, token: session(platform) });
    expect(response.status).toBe(402);
    expect(await body(response)).toMatchObject({ code: 'insufficient_balance', balanceCents: STARTING_CREDIT_CENTS, requiredCents: 19900 });
    expect(await ok(platform, 'GET', '/billing/subscription')).toEqual(before);
    expect(await balance(platform)).toBe(STARTING_CREDIT_CENTS);
    expect(await ok(platform, 'GET', '/billing/invoices')).toEqual([]);
  });

  it('schedules a downgrade for the renewal, charges the cheaper fee then, and cancels a scheduled change on request', async () => {
    const platform = await platformAt('2026-03-10T12:00:00Z');
    await ok(platform, 'POST', '/billing/wallet/credit', { amountUsd: 300 });
    await ok(platform, 'POST', '/billing/subscription', { planId: 'scale' }, session(platform));
    expect(await ok(platform, 'POST', '/billing/subscription', { planId: 'growth' }, session(platform))).toMatchObject({ planId: 'scale', pendingPlanId: 'growth' });
    expect(await ok(platform, 'POST', '/billing/subscription', { planId: 'scale' }, session(platform))).toMatchObject({ planId: 'scale', pendingPlanId: null });
    await ok(platform, 'POST', '/billing/subscription', { planId: 'starter' }, session(platform));
    await ok(platform, 'POST', '/billing/subscription', { planId: 'growth' }, session(platform));
    const afterScale = await balance(platform);
    setClock('2026-04-10T12:00:01Z');
    expect(await ok(platform, 'GET', '/billing/subscription')).toMatchObject({ planId: 'growth', currentPeriodStart: '2026-04-10T12:00:00.000Z', pendingPlanId: null });
    expect(await balance(platform)).toBe(afterScale - 4900);
    const [renewal] = await ok(platform, 'GET', '/billing/invoices');
    expect(renewal).toMatchObject({ number: 'INV-000001', planId: 'scale', lines: [{ kind: 'plan', description: 'Scale plan, monthly fee', credits: 19900 }], totalCents: 19900 });
  });

  it('falls back to Starter when the wallet cannot pay a renewal, and says so with a webhook event', async () => {
    const platform = await platformAt('2026-03-10T12:00:00Z');
    await ok(platform, 'POST', '/billing/wallet/credit', { amountUsd: 49 });
    await ok(platform, 'POST', '/billing/subscription', { planId: 'growth' }, session(platform));
    expect(await balance(platform)).toBe(STARTING_CREDIT_CENTS);
    platform.services.wallet.debit(platform.orgA.org.id, { amountCents: STARTING_CREDIT_CENTS - 100, kind: 'debit', reason: 'spent elsewhere' });
    setClock('2026-05-20T00:00:00Z');
    // Two periods ended: April's renewal could not be paid, so April and May run on Starter.
    expect(await ok(platform, 'GET', '/billing/subscription')).toMatchObject({ planId: 'starter', currentPeriodStart: '2026-05-10T12:00:00.000Z' });
    expect(await balance(platform)).toBe(100);
    const events = platform.services.db.prepare("SELECT payload FROM events WHERE org_id = ? AND type = 'subscription.changed' ORDER BY id").pluck().all(platform.orgA.org.id) as string[];
    expect(events.map((payload) => JSON.parse(payload))).toEqual([
      { planId: 'growth', previousPlanId: 'starter', effective: 'now' },
      { planId: 'starter', previousPlanId: 'growth', effective: '2026-04-10T12:00:00.000Z', reason: 'renewal_unpaid' },
    ]);
  });
});

describe('metered usage', () => {
  it('takes a credit per live chat reply from the wallet, and nothing for a draft', async () => {
    const platform = await platformAt('2026-03-10T12:00:00Z');
    await platform.publish();
    const live = await liveChat(platform, ['When are you open?', 'Thanks']);
    const draft = await ok(platform, 'POST', '/chat/sessions', { agentId: platform.agentId, draftMode: true });
    await ok(platform, 'POST', `/chat/sessions/${draft.id}/messages`, { content: 'When are you open?' });
    expect(await balance(platform)).toBe(STARTING_CREDIT_CENTS - 2);
    const items = await ok(platform, 'GET', '/billing/usage/items');
    expect(items.map((item: any) => [item.channel, item.kind, item.quantity, item.credits, item.costUsd, item.conversationId, item.agentId])).toEqual([
      ['chat', 'chat_message', 1, 1, 0.01, live, platform.agentId],
      ['chat', 'chat_message', 1, 1, 0.01, live, platform.agentId],
    ]);
    const ledger = await ok(platform, 'GET', '/billing/wallet/transactions');
    expect(ledger.slice(0, 2).map((entry: any) => [entry.kind, entry.amountCents, entry.reference])).toEqual([
      ['debit', -1, items[0].id],
      ['debit', -1, items[1].id],
    ]);
  });

  it('bills voice by the started minute, out of the plan\'s included minutes first, then at its overage rate', async () => {
    const platform = await platformAt('2026-03-10T12:00:00Z');
    await platform.publish();
    await ok(platform, 'POST', '/billing/subscription', { planId: 'growth' }, session(platform));
    const orgId = platform.orgA.org.id;
    chargeUsage(platform.services, { orgId, agentId: platform.agentId, channel: 'voice', kind: 'voice_minute', quantity: 595 });
    const afterAllowance = await balance(platform);
    const response = await platform.request('POST', `/agents/${platform.agentId}/simulate`, {
      body: { mode: 'voice', draftMode: false, transcript: ['When are you open?', { silenceSeconds: 20 }, 'Thanks, bye'] },
    });
    const done = parseSse(await response.text()).at(-1)!.data;
    const minutes = Math.ceil(done.durationSeconds / 60);
    const [call] = await ok(platform, 'GET', '/billing/usage/items?channel=voice');
    expect(call).toMatchObject({ conversationId: done.conversationId, kind: 'voice_minute', quantity: minutes, includedQuantity: Math.min(5, minutes), unitCents: 10 });
    expect(call.credits).toBe(Math.max(0, minutes - 5) * 10);
    expect(await balance(platform)).toBe(afterAllowance - call.credits);
    chargeUsage(platform.services, { orgId, agentId: platform.agentId, channel: 'voice', kind: 'voice_minute', quantity: 7 });
    const [last] = await ok(platform, 'GET', '/billing/usage/items?channel=voice');
    expect(last).toMatchObject({ quantity: 7, includedQuantity: Math.max(0, 5 - minutes), credits: (7 - Math.max(0, 5 - minutes)) * 10 });
    expect(await ok(platform, 'GET', '/billing/subscription')).toMatchObject({ includedMinutesUsed: 600, includedMinutesRemaining: 0 });
  });

  it('owes what an empty wallet cannot cover, pauses live traffic with 402, and collects the debt from the next credit', async () => {
    const platform = await platformAt('2026-03-10T12:00:00Z');
    await platform.publish();
    const orgId = platform.orgA.org.id;
    platform.services.wallet.debit(orgId, { amountCents: STARTING_CREDIT_CENTS - 1, kind: 'debit', reason: 'spent elsewhere' });
    const chat = await ok(platform, 'POST', '/chat/sessions', { agentId: platform.agentId });
    await ok(platform, 'POST', `/chat/sessions/${chat.id}/messages`, { content: 'When are you open?' });
    // The conversation in progress goes on; its next reply is owed.
    await ok(platform, 'POST', `/chat/sessions/${chat.id}/messages`, { content: 'Thanks' });
    expect(await ok(platform, 'GET', '/billing/wallet')).toMatchObject({ balanceCents: 0, owedUsd: 0.01 });
    const refused = await platform.request('POST', '/chat/sessions', { body: { agentId: platform.agentId } });
    expect(refused.status).toBe(402);
    expect(await body(refused)).toMatchObject({ code: 'insufficient_balance', balanceCents: 0 });
    const completions = await platform.request('POST', '/chat/completions', { body: { model: platform.agentId, messages: [{ role: 'user', content: 'Hi' }] } });
    expect(completions.status).toBe(402);
    // A draft is never billed, so it still runs.
    expect((await platform.request('POST', '/chat/sessions', { body: { agentId: platform.agentId, draftMode: true } })).status).toBe(201);
    await ok(platform, 'POST', '/billing/wallet/credit', { amountUsd: 1 });
    expect(await ok(platform, 'GET', '/billing/wallet')).toMatchObject({ balanceCents: 99, owedUsd: 0 });
    const [collected, credit] = await ok(platform, 'GET', '/billing/wallet/transactions');
    expect([collected.kind, collected.amountCents, collected.reason, collected.reference]).toEqual(['debit', -1, 'owed usage collected', credit.id]);
    expect((await platform.request('POST', '/chat/sessions', { body: { agentId: platform.agentId } })).status).toBe(201);
  });

  it('rolls usage up per UTC day and agent, newest first, filtered by window and agent, and pages', async () => {
    const platform = await platformAt('2026-03-10T12:00:00Z');
    await platform.publish();
    const other = await ok(platform, 'POST', '/agents', { name: 'Night line' });
    await platform.publish(other.id);
    await liveChat(platform, ['When are you open?']);
    setClock('2026-03-11T23:59:00Z');
    await liveChat(platform, ['When are you open?', 'And Saturday?']);
    await liveChat(platform, ['Hello?'], other.id);
    setClock('2026-03-12T00:01:00Z');
    const orgId = platform.orgA.org.id;
    chargeUsage(platform.services, { orgId, agentId: null, channel: 'number', kind: 'number_rental', quantity: 1, unitCents: 150 });
    const records = await ok(platform, 'GET', '/billing/usage');
    const agentKey = (id: string | null) => (id === platform.agentId ? 'acme' : id === other.id ? 'night' : id);
    expect(records.map((record: any) => [record.date, agentKey(record.agentId), record.chatMessages, record.numberCharges, record.credits, record.costUsd])).toEqual([
      ['2026-03-12', null, 0, 1, 150, 1.5],
      ['2026-03-11', 'acme', 2, 0, 2, 0.02],
      ['2026-03-11', 'night', 1, 0, 1, 0.01],
      ['2026-03-10', 'acme', 1, 0, 1, 0.01],
    ]);
    const acme = await ok(platform, 'GET', `/billing/usage?agentId=${platform.agentId}&from=2026-03-11&to=2026-03-12`);
    expect(acme.map((record: any) => [record.date, record.chatMessages])).toEqual([['2026-03-11', 2]]);
    const first = await body(await platform.request('GET', '/billing/usage?limit=2'));
    const second = await body(await platform.request('GET', `/billing/usage?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`));
    expect([...first.data, ...second.data]).toEqual(records);
    expect(second.hasMore).toBe(false);
    const windowed = await ok(platform, 'GET', '/billing/usage/items?from=2026-03-11T00:00:00Z&to=2026-03-12T00:00:00Z');
    expect(windowed).toHaveLength(3);
    const bad = await platform.request('GET', '/billing/usage/items?from=2026-03-12&to=2026-03-11');
    expect(bad.status).toBe(400);
    expect((await body(bad)).errors).toEqual([{ field: 'to', message: 'must be later than from' }]);
  });
});

describe('invoices', () => {
  it('issues one per closed period with its fee and usage, newest first, each downloadable as a PDF; another org gets 404', async () => {
    const platform = await platformAt('2026-03-10T12:00:00Z');
    await platform.publish();
    await ok(platform, 'POST', '/billing/wallet/credit', { amountUsd: 100 });
    await ok(platform, 'POST', '/billing/subscription', { planId: 'growth' }, session(platform));
    await liveChat(platform, ['When are you open?']);
    chargeUsage(platform.services, { orgId: platform.orgA.org.id, agentId: platform.agentId, channel: 'voice', kind: 'voice_minute', quantity: 650 });
    setClock('2026-04-11T00:00:00Z');
    await liveChat(platform, ['When are you open?', 'Thanks']);
    setClock('2026-05-11T00:00:00Z');
    const invoices = await ok(platform, 'GET', '/billing/invoices');
    expect(invoices.map((invoice: any) => [invoice.number, invoice.periodStart, invoice.totalCents])).toEqual([
      ['INV-000002', '2026-04-10T12:00:00.000Z', 4900 + 2],
      ['INV-000001', '2026-03-10T12:00:00.000Z', 4900 + 1 + 50 * 10],
    ]);
    expect(invoices[1].lines).toEqual([
      { description: 'Growth plan, monthly fee', kind: 'plan', quantity: 1, includedQuantity: 0, credits: 4900 },
      { description: 'Chat replies', kind: 'chat_message', quantity: 1, includedQuantity: 0, credits: 1 },
      { description: 'Voice minutes', kind: 'voice_minute', quantity: 650, includedQuantity: 600, credits: 500 },
    ]);

    const response = await platform.request('GET', invoices[1].pdfUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="INV-000001.pdf"');
    const { text } = await extractPdf(new Uint8Array(await response.arrayBuffer()));
    for (const expected of ['Invoice INV-000001', 'Org A', 'Period: 2026-03-10 to 2026-04-10', 'Plan: Growth', 'Voice minutes', '650', '600', '$5.00', 'Total $54.01']) {
      expect(text).toContain(expected);
    }

    const stranger = await platform.request('GET', invoices[1].pdfUrl, { token: platform.orgB.apiKey.secret });
    expect(stranger.status).toBe(404);
    expect((await body(stranger)).code).toBe('not_found');
    expect(await ok(platform, 'GET', '/billing/invoices', undefined, platform.orgB.apiKey.secret)).toEqual([]);
  });

  it('reads the invoice list and PDFs with billing:read only', async () => {
    const platform = await platformAt('2026-03-10T12:00:00Z');
    const key = platform.keyWith(['billing:read']);
    expect((await platform.request('GET', '/billing/invoices', { token: key })).status).toBe(200);
    expect((await platform.request('GET', '/billing/usage', { token: platform.keyWith(['agents:read']) })).status).toBe(403);
  });
});
