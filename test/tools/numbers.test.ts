/**
 * Phone numbers over REST on the sandbox carrier: search, hold, buy from the wallet, import,
 * assign, sandbox calls billed like real ones, monthly rent, and release; two orgs competing for
 * the same numbers.
 */
import { describe, expect, it } from 'vitest';
import { body, PREPAID } from '../helpers.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { createChatPlatform, type ChatPlatform } from '../chat-helpers.ts';
import { addMonth } from '../../src/runtime/billing/subscription.ts';

const opened = closeAfterEach();

const START = new Date('2026-04-10T09:00:00.000Z');
const CALLER = '+12025550123';

interface Numbers extends ChatPlatform {
  /** The platform's clock; tests move it. */
  clock: { now: Date };
  tokenB: string;
  /** A REST call answering `{ status, json }`. */
  call(method: string, path: string, options?: { body?: unknown; token?: string; headers?: Record<string, string> }): Promise<{ status: number; json: any }>;
  balanceCents(token?: string): Promise<number>;
  usage(orgId?: string): { kind: string; quantity: number; credits: number; numberId: string | null; conversationId: string | null }[];
}

/** A prepaid platform on a movable clock whose org A has a knowledgeable agent and $100; org B has no funds. */
async function numbersPlatform(): Promise<Numbers> {
  const clock = { now: START };
  const chat = opened(await createChatPlatform(PREPAID, () => clock.now));
  const call: Numbers['call'] = async (method, path, options) => {
    const response = await chat.request(method, path, options);
    return { status: response.status, json: await body(response) };
  };
  return {
    ...chat,
    clock,
    tokenB: chat.orgB.apiKey.secret,
    call,
    balanceCents: async (token) => (await call('GET', '/billing/wallet', { token })).json.data.balanceCents,
    usage: (orgId = chat.orgA.org.id) => chat.services.usage.all({ orgId }),
  };
}

/** The first numbers a search finds. */
async function search(platform: Numbers, query: string, token?: string): Promise<any[]> {
  const { status, json } = await platform.call('GET', `/numbers/search?${query}`, { token });
  expect(status, JSON.stringify(json)).toBe(200);
  return json.data;
}

async function buy(platform: Numbers, e164: string, fields: Record<string, unknown> = {}, token?: string): Promise<any> {
  const { status, json } = await platform.call('POST', '/numbers/purchase', { body: { e164, ...fields }, token });
  expect(status, JSON.stringify(json)).toBe(201);
  return json.data;
}

const available = (platform: Numbers, e164: string, token?: string) => platform.call('GET', `/numbers/available/${encodeURIComponent(e164)}`, { token });

describe('buying a number and going live', () => {
  it('searches, reserves, buys from the wallet, assigns, takes a sandbox call, unassigns and releases', async () => {
    const platform = await numbersPlatform();
    expect((await platform.call('POST', '/billing/wallet/credit', { body: { amountUsd: 5, reason: 'numbers' } })).status).toBe(200);
    const before = await platform.balanceCents();
    await platform.publish();
    const endpoint = (await platform.call('POST', '/webhooks', { body: { url: 'https://hooks.example.com/numbers', events: ['number.purchased'] } })).json.data;

    const [first] = await search(platform, 'areaCode=415&numberType=local&features=voice');
    expect(first).toEqual({
      e164: '+14155550100',
      numberType: 'local',
      areaCode: '415',
      locality: 'San Francisco',
      administrativeArea: 'CA',
      features: ['voice', 'sms', 'mms'],
      provider: 'sandbox',
      currency: 'usd',
      monthlyCost: 1.5,
      setupCost: 0,
      reservationId: null,
      relaxedFilters: [],
    });

    const hold = await platform.call('POST', '/numbers/reserve', { body: { e164: first.e164 } });
    expect(hold.status).toBe(201);
    expect(hold.json.data).toMatchObject({ e164: first.e164, status: 'active', expiresAt: '2026-04-10T09:30:00.000Z' });
    expect(hold.json.data.id).toMatch(/^rsv_/);
    expect(await platform.balanceCents()).toBe(before);
    // The holder still finds it, marked as held by itself.
    expect((await search(platform, 'areaCode=415&limit=1'))[0]).toMatchObject({ e164: first.e164, reservationId: hold.json.data.id });

    const bought = await buy(platform, first.e164, { reservationId: hold.json.data.id });
    expect(bought).toMatchObject({
      e164: first.e164,
      source: 'purchased',
      status: 'available',
      agentId: null,
      monthlyCost: 1.5,
      paidThrough: '2026-05-10T09:00:00.000Z',
      provider: 'sandbox',
    });
    expect(bought.id).toMatch(/^num_/);
    expect(await platform.balanceCents()).toBe(before - 150);
    expect(platform.usage().filter((item) => item.kind === 'number_rental')).toEqual([
      expect.objectContaining({ numberId: bought.id, quantity: 1, credits: 150 }),
    ]);
    const [event] = platform.services.events.list(platform.orgA.org.id).filter((candidate) => candidate.type === 'number.purchased');
    expect(event.payload).toEqual({ numberId: bought.id, e164: first.e164, numberType: 'local', agentId: null, monthlyCents: 150, setupCents: 0 });
    const deliveries = (await platform.call('GET', `/webhooks/${endpoint.id}/deliveries`)).json.data;
    expect(deliveries.map((delivery: any) => [delivery.eventType, delivery.payload.data.numberId])).toEqual([['number.purchased', bought.id]]);
    // The hold was used up by the purchase.
    expect((await platform.call('DELETE', `/numbers/reserve/${hold.json.data.id}`)).json.data.status).toBe('consumed');

    const assigned = await platform.call('POST', `/numbers/${bought.id}/assign`, { body: { agentId: platform.agentId } });
    expect(assigned.json.data).toMatchObject({ status: 'assigned', agentId: platform.agentId });
    expect((await platform.call('GET', `/numbers?agentId=${platform.agentId}`)).json.data.map((number: any) => number.id)).toEqual([bought.id]);

    const answered = await platform.call('POST', '/numbers/sandbox/calls', {
      body: { to: first.e164, from: CALLER, script: [{ say: 'When are you open on Saturday?' }] },
    });
    expect(answered.status).toBe(200);
    expect(answered.json.data).toMatchObject({ numberId: bought.id, agentId: platform.agentId, outcome: 'contained', transferred: false });
    expect(answered.json.data.transcript.map((turn: any) => [turn.role, turn.text])).toEqual([
      ['agent', 'Hi, this is Acme Plumbing. How can I help?'],
      ['caller', 'When are you open on Saturday?'],
      ['agent', 'Acme Plumbing is open Monday to Friday from 8am to 6pm, and Saturday from 9am to noon.'],
    ]);
    expect(answered.json.data.durationSeconds).toBeGreaterThan(0);
    const conversation = platform.services.conversations.find(platform.orgA.org.id, answered.json.data.conversationId)!;
    expect(conversation).toMatchObject({ channel: 'voice', surface: 'phone', draft: false, endUser: CALLER, status: 'ended' });
    expect(platform.usage().filter((item) => item.conversationId === conversation.id).map((item) => item.kind)).toEqual(['voice_minute']);

    const unassigned = await platform.call('DELETE', `/numbers/${bought.id}/assign`);
    expect(unassigned.json.data).toMatchObject({ status: 'available', agentId: null });
    const unrouted = await platform.call('POST', '/numbers/sandbox/calls', { body: { to: first.e164, from: CALLER, script: [{ say: 'Hello?' }] } });
    expect(unrouted.status).toBe(409);
    expect(unrouted.json.code).toBe('number_unassigned');

    expect((await available(platform, first.e164)).status).toBe(404);
    const released = await platform.call('DELETE', `/numbers/${bought.id}`);
    expect(released.json.data).toEqual({ id: bought.id, deleted: true });
    expect((await platform.call('GET', '/numbers')).json.data).toEqual([]);
    expect((await platform.call('DELETE', `/numbers/${bought.id}`)).status).toBe(404);
    // Released: anyone may buy it again.
    expect((await available(platform, first.e164, platform.tokenB)).status).toBe(200);
  });

  it('answers 402 insufficient_balance to an empty wallet and writes nothing', async () => {
    const platform = await numbersPlatform();
    const orgB = platform.orgB.org.id;
    const hold = (await platform.call('POST', '/numbers/reserve', { body: { e164: '+14155550142' }, token: platform.tokenB })).json.data;
    const refused = await platform.call('POST', '/numbers/purchase', { body: { e164: '+14155550142', reservationId: hold.id }, token: platform.tokenB });
    expect(refused.status).toBe(402);
    expect(refused.json).toMatchObject({ code: 'insufficient_balance', balanceCents: 0, requiredCents: 150 });
    expect((await platform.call('GET', '/numbers', { token: platform.tokenB })).json.data).toEqual([]);
    expect(platform.services.wallet.entries(orgB, { limit: 10 }).items).toEqual([]);
    expect(platform.usage(orgB)).toEqual([]);
    expect(platform.services.events.list(orgB).filter((event) => event.type === 'number.purchased')).toEqual([]);
    // The hold still stands, and the number is still the holder's to buy.
    expect((await available(platform, '+14155550142', platform.tokenB)).json.data.reservationId).toBe(hold.id);
  });

  it('charges once for a purchase retried with the same Idempotency-Key', async () => {
    const platform = await numbersPlatform();
    const before = await platform.balanceCents();
    const send = (bodyFields: Record<string, unknown>) =>
      platform.call('POST', '/numbers/purchase', { body: bodyFields, headers: { 'Idempotency-Key': 'buy-0150' } });
    const first = await send({ e164: '+14155550150' });
    const again = await send({ e164: '+14155550150' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.json.data).toEqual(first.json.data);
    expect(await platform.balanceCents()).toBe(before - 150);
    expect(platform.usage().filter((item) => item.kind === 'number_rental')).toHaveLength(1);
    const reused = await send({ e164: '+14155550151' });
    expect(reused.status).toBe(422);
    expect(reused.json.code).toBe('idempotency_key_reused');
  });

  it('prices a toll-free number at its own monthly rent', async () => {
    const platform = await numbersPlatform();
    const [tollFree] = await search(platform, 'numberType=toll_free&limit=1');
    expect(tollFree).toMatchObject({ e164: '+18005550100', numberType: 'toll_free', areaCode: '800', locality: null, administrativeArea: null, monthlyCost: 2 });
    const before = await platform.balanceCents();
    expect((await buy(platform, tollFree.e164)).monthlyCost).toBe(2);
    expect(await platform.balanceCents()).toBe(before - 200);
  });
});

describe('search_available_numbers', () => {
  it('filters by area code, city, state, type, capabilities and vanity digits', async () => {
    const platform = await numbersPlatform();
    const chicago = await search(platform, 'locality=chicago&limit=100');
    expect(new Set(chicago.map((number) => number.areaCode))).toEqual(new Set(['312']));
    expect((await search(platform, 'locality=chicago&limit=100&cursor=' + encodeURIComponent((await platform.call('GET', '/numbers/search?locality=chicago&limit=100')).json.nextCursor))).map((number) => number.areaCode)).toEqual(Array(100).fill('773'));
    const texas = await search(platform, 'administrativeArea=tx&limit=100');
    expect(new Set(texas.map((number) => number.administrativeArea))).toEqual(new Set(['TX']));
    expect((await search(platform, 'numberType=toll_free&limit=100')).every((number) => number.numberType === 'toll_free')).toBe(true);

    const fax = await search(platform, 'areaCode=415&features=voice,fax&limit=100');
    expect(fax.map((number) => number.e164)).toEqual(Array.from({ length: 10 }, (_, index) => `+141555501${80 + index}`));
    expect(await search(platform, 'areaCode=415&features=voice&features=fax&limit=100')).toEqual(fax);
    // Capabilities are never relaxed: no line both texts and faxes.
    expect(await search(platform, 'features=sms,fax')).toEqual([]);

    expect((await search(platform, 'areaCode=415&endsWith=0142')).map((number) => number.e164)).toEqual(['+14155550142']);
    // Letters count as the keypad digits they sit on: AD is 23.
    expect((await search(platform, 'areaCode=415&endsWith=01AD')).map((number) => number.e164)).toEqual(['+14155550123']);
    expect((await search(platform, 'contains=5550199&numberType=toll_free&limit=100')).map((number) => number.e164)).toEqual(
      ['800', '833', '844', '855', '866', '877', '888'].map((prefix) => `+1${prefix}5550199`),
    );
  });

  it('widens a filter that finds nothing step by step, and says which it let go; bestEffort false stays strict', async () => {
    const platform = await numbersPlatform();
    const noVanity = await search(platform, 'areaCode=415&endsWith=9999&limit=3');
    expect(noVanity.map((number) => [number.e164, number.relaxedFilters])).toEqual([
      ['+14155550100', ['endsWith']],
      ['+14155550101', ['endsWith']],
      ['+14155550102', ['endsWith']],
    ]);
    expect(await search(platform, 'areaCode=415&endsWith=9999&bestEffort=false')).toEqual([]);

    const otherCity = await search(platform, 'areaCode=415&locality=Oakland&limit=1');
    expect(otherCity).toMatchObject([{ areaCode: '415', locality: 'San Francisco', relaxedFilters: ['locality'] }]);

    // With every 415 line owned by org B, a 415 search widens to the rest of California.
    for (let line = 100; line <= 199; line += 1) {
      const e164 = `+1415555${String(line).padStart(4, '0')}`;
      platform.services.numbers.create(platform.orgB.org.id, {
        ...(await platform.services.carrier.lookup(e164))!, provider: 'sandbox', source: 'imported', agentId: null, monthlyCostCents: 0, paidThrough: null,
      });
    }
    const california = await search(platform, 'areaCode=415&limit=100');
    expect(california.length).toBe(100);
    expect(new Set(california.map((number) => number.administrativeArea))).toEqual(new Set(['CA']));
    expect(california.every((number) => number.areaCode !== '415' && number.relaxedFilters.join() === 'areaCode')).toBe(true);
    expect(await search(platform, 'areaCode=415&bestEffort=false')).toEqual([]);

    // A place with no numbers of the type at all: anywhere.
    const tollFree = await search(platform, 'areaCode=212&numberType=toll_free&limit=1');
    expect(tollFree).toMatchObject([{ numberType: 'toll_free', relaxedFilters: ['areaCode'] }]);
  });

  it('pages with a cursor bound to the org', async () => {
    const platform = await numbersPlatform();
    const first = await platform.call('GET', '/numbers/search?areaCode=212&limit=2');
    expect(first.json).toMatchObject({ hasMore: true, nextCursor: expect.any(String) });
    const second = await search(platform, `areaCode=212&limit=2&cursor=${encodeURIComponent(first.json.nextCursor)}`);
    expect(second.map((number) => number.e164)).toEqual(['+12125550102', '+12125550103']);
    const foreign = await platform.call('GET', `/numbers/search?areaCode=212&limit=2&cursor=${encodeURIComponent(first.json.nextCursor)}`, { token: platform.tokenB });
    expect(foreign.status).toBe(400);
    expect(foreign.json.code).toBe('invalid_cursor');
  });
});

describe('two orgs after the same number', () => {
  it('answers 404 on /available and 409 on reserve, purchase and import once another org owns or holds it', async () => {
    const platform = await numbersPlatform();
    const e164 = '+14155550160';
    const check = await available(platform, e164);
    expect(check.status).toBe(200);
    expect(check.json.data).toMatchObject({ e164, monthlyCost: 1.5, setupCost: 0, reservationId: null });
    expect((await platform.call('GET', '/numbers/available/+14155550160')).status).toBe(200);

    const heldByA = (await platform.call('POST', '/numbers/reserve', { body: { e164 } })).json.data;
    expect((await platform.call('POST', '/numbers/reserve', { body: { e164 } })).json.data.id).toBe(heldByA.id);
    for (const [method, path, fields] of [
      ['POST', '/numbers/reserve', { e164 }],
      ['POST', '/numbers/purchase', { e164 }],
      ['POST', '/numbers/import', { e164 }],
    ] as const) {
      const refused = await platform.call(method, path, { body: fields, token: platform.tokenB });
      expect(refused.status, path).toBe(409);
      expect(refused.json.code).toBe('number_unavailable');
    }
    expect((await available(platform, e164, platform.tokenB)).status).toBe(404);
    expect((await search(platform, 'areaCode=415&limit=100', platform.tokenB)).map((number) => number.e164)).not.toContain(e164);
    // Another org's reservation id is not found, whatever it holds.
    const foreignHold = await platform.call('POST', '/numbers/purchase', { body: { e164, reservationId: heldByA.id }, token: platform.tokenB });
    expect(foreignHold.status).toBe(404);
    // A hold buys only the number it holds.
    const mismatched = await platform.call('POST', '/numbers/purchase', { body: { e164: '+14155550161', reservationId: heldByA.id } });
    expect(mismatched.status).toBe(400);
    expect(mismatched.json.errors).toEqual([{ field: 'reservationId', message: `holds ${e164}, not +14155550161` }]);

    await buy(platform, e164, { reservationId: heldByA.id });
    expect((await available(platform, e164)).status).toBe(404);
    expect((await available(platform, e164, platform.tokenB)).status).toBe(404);
    const again = await platform.call('POST', '/numbers/purchase', { body: { e164 } });
    expect(again.status).toBe(409);
    expect(again.json.detail).toContain('you already own');
  });

  it('lets exactly one of two orgs buying the same number at the same moment have it, charging only that one', async () => {
    const platform = await numbersPlatform();
    platform.services.wallet.credit(platform.orgB.org.id, { amountCents: 1000, kind: 'credit' });
    const tokens = [platform.orgA.apiKey.secret, platform.tokenB];
    const balances = await Promise.all(tokens.map((token) => platform.balanceCents(token)));
    const outcomes = await Promise.all(tokens.map((token) => platform.call('POST', '/numbers/purchase', { body: { e164: '+14155550165' }, token })));
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual([201, 409]);
    const after = await Promise.all(tokens.map((token) => platform.balanceCents(token)));
    expect(after.map((balance, index) => balances[index] - balance).sort((x, y) => x - y)).toEqual([0, 150]);
    const owners = platform.services.db.prepare("SELECT org_id FROM phone_numbers WHERE e164 = '+14155550165'").pluck().all();
    expect(owners).toHaveLength(1);
  });

  it('frees a hold once it expires: another org may then buy it, and the old reservation id is refused', async () => {
    const platform = await numbersPlatform();
    platform.services.wallet.credit(platform.orgB.org.id, { amountCents: 1000, kind: 'credit' });
    const e164 = '+14155550170';
    const heldByB = (await platform.call('POST', '/numbers/reserve', { body: { e164 }, token: platform.tokenB })).json.data;
    expect((await platform.call('POST', '/numbers/purchase', { body: { e164 } })).status).toBe(409);

    platform.clock.now = new Date(START.getTime() + 31 * 60_000);
    expect((await available(platform, e164)).status).toBe(200);
    const late = await platform.call('POST', '/numbers/purchase', { body: { e164, reservationId: heldByB.id }, token: platform.tokenB });
    expect(late.status).toBe(409);
    expect(late.json.code).toBe('reservation_inactive');
    expect((await platform.call('DELETE', `/numbers/reserve/${heldByB.id}`, { token: platform.tokenB })).json.data.status).toBe('expired');
    await buy(platform, e164);
  });

  it("answers 404 to another org's number and hold ids everywhere", async () => {
    const platform = await numbersPlatform();
    await platform.publish();
    const number = (await platform.call('POST', '/numbers/import', { body: { e164: '+14155550180', agentId: platform.agentId } })).json.data;
    const hold = (await platform.call('POST', '/numbers/reserve', { body: { e164: '+14155550181' } })).json.data;
    const agentB = (await platform.call('POST', '/agents', { body: { name: 'B' }, token: platform.tokenB })).json.data;
    for (const [method, path, fields] of [
      ['POST', `/numbers/${number.id}/assign`, { agentId: agentB.id }],
      ['DELETE', `/numbers/${number.id}/assign`, undefined],
      ['DELETE', `/numbers/${number.id}`, undefined],
      ['DELETE', `/numbers/reserve/${hold.id}`, undefined],
      ['POST', '/numbers/sandbox/calls', { to: number.e164, from: CALLER, script: [{ say: 'Hello' }] }],
      ['GET', `/numbers?agentId=${platform.agentId}`, undefined],
    ] as const) {
      const response = await platform.call(method, path, { body: fields, token: platform.tokenB });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.json.code).toBe('not_found');
    }
    // Org A's own agent cannot be given to org B's number either.
    const numberB = (await platform.call('POST', '/numbers/import', { body: { e164: '+14155550182' }, token: platform.tokenB })).json.data;
    expect((await platform.call('POST', `/numbers/${numberB.id}/assign`, { body: { agentId: platform.agentId }, token: platform.tokenB })).status).toBe(404);
    expect((await platform.call('GET', '/numbers')).json.data).toMatchObject([{ id: number.id, status: 'assigned', agentId: platform.agentId }]);
    expect(platform.services.numbers.findHold(platform.orgA.org.id, hold.id)!.status).toBe('active');
  });
});

describe('import_number', () => {
  it('brings a number over without a charge, assigned at once, and refuses it a second time anywhere', async () => {
    const platform = await numbersPlatform();
    const before = await platform.balanceCents();
    const imported = await platform.call('POST', '/numbers/import', { body: { e164: '+16465550100', agentId: platform.agentId } });
    expect(imported.status).toBe(201);
    expect(imported.json.data).toMatchObject({
      e164: '+16465550100',
      numberType: 'local',
      areaCode: '646',
      locality: null,
      source: 'imported',
      status: 'assigned',
      agentId: platform.agentId,
      monthlyCost: 0,
      paidThrough: null,
    });
    expect(await platform.balanceCents()).toBe(before);
    expect(platform.usage()).toEqual([]);

    for (const token of [undefined, platform.tokenB]) {
      const twice = await platform.call('POST', '/numbers/import', { body: { e164: '+16465550100' }, token });
      expect(twice.status).toBe(409);
      expect(twice.json.code).toBe('number_unavailable');
    }
  });

  it('checks the number and the agent before writing anything', async () => {
    const platform = await numbersPlatform();
    const malformed = await platform.call('POST', '/numbers/import', { body: { e164: '+1415555010' } });
    expect(malformed.status).toBe(400);
    expect(malformed.json.errors).toEqual([{ field: 'e164', message: 'must be a valid phone number in E.164 form, e.g. +14155550100' }]);
    const abroad = await platform.call('POST', '/numbers/import', { body: { e164: '+442079460000' } });
    expect(abroad.status).toBe(422);
    expect(abroad.json.code).toBe('unprocessable');
    const foreignAgent = await platform.call('POST', '/numbers/import', { body: { e164: '+16465550101', agentId: platform.agentId }, token: platform.tokenB });
    expect(foreignAgent.status).toBe(404);
    expect((await platform.call('GET', '/numbers', { token: platform.tokenB })).json.data).toEqual([]);
  });
});

describe('place_sandbox_call', () => {
  it('bills the toll-free surcharge and the transferred minutes on top of the voice minutes', async () => {
    const platform = await numbersPlatform();
    await platform.call('PATCH', `/agents/${platform.agentId}`, { body: { handoffConfig: { transferDestination: '+14155550111' } } });
    await platform.publish();
    const number = await buy(platform, '+18885550120', { agentId: platform.agentId });
    const before = await platform.balanceCents();

    const answered = await platform.call('POST', '/numbers/sandbox/calls', {
      body: { to: number.e164, from: CALLER, script: [{ say: 'I want to talk to a person' }], transferredSeconds: 150 },
    });
    expect(answered.status).toBe(200);
    const { conversationId, durationSeconds } = answered.json.data;
    expect(answered.json.data).toMatchObject({ outcome: 'transferred', transferred: true });
    const minutes = Math.ceil(durationSeconds / 60);
    const items = platform.usage().filter((item) => item.conversationId === conversationId);
    expect(items.map((item) => [item.kind, item.quantity])).toEqual([
      ['voice_minute', minutes],
      ['toll_free_minute', minutes],
      ['transfer_minute', 3],
    ]);
    expect(items.find((item) => item.kind === 'toll_free_minute')).toMatchObject({ numberId: number.id, credits: 2 * minutes });
    expect(items.find((item) => item.kind === 'transfer_minute')).toMatchObject({ credits: 18 });
    expect(await platform.balanceCents()).toBe(before - items.reduce((sum, item) => sum + item.credits, 0));
  });

  it('bills neither surcharge on a local number for a call that was not transferred', async () => {
    const platform = await numbersPlatform();
    await platform.publish();
    const number = await buy(platform, '+14155550190', { agentId: platform.agentId });
    const answered = await platform.call('POST', '/numbers/sandbox/calls', {
      body: { to: number.e164, from: CALLER, script: [{ say: 'When are you open on Saturday?' }, { dtmf: '1' }, { silenceSeconds: 3 }], transferredSeconds: 150 },
    });
    expect(answered.json.data.transferred).toBe(false);
    expect(platform.usage().filter((item) => item.conversationId === answered.json.data.conversationId).map((item) => item.kind)).toEqual(['voice_minute']);
  });

  it('answers 409 no_published_version for an agent that was never published, and 404 for a number not owned', async () => {
    const platform = await numbersPlatform();
    await platform.call('POST', '/numbers/import', { body: { e164: '+14155550191', agentId: platform.agentId } });
    const unpublished = await platform.call('POST', '/numbers/sandbox/calls', { body: { to: '+14155550191', from: CALLER, script: [{ say: 'Hello' }] } });
    expect(unpublished.status).toBe(409);
    expect(unpublished.json.code).toBe('no_published_version');
    expect(platform.services.conversations.history(platform.orgA.org.id, { includeTests: true }, { limit: 5 }).items).toEqual([]);
    const stranger = await platform.call('POST', '/numbers/sandbox/calls', { body: { to: '+14155550192', from: CALLER, script: [{ say: 'Hello' }] } });
    expect(stranger.status).toBe(404);
  });

  it('needs a carrier that simulates calls, and says so', async () => {
    const platform = await numbersPlatform();
    await platform.publish();
    await platform.call('POST', '/numbers/import', { body: { e164: '+14155550193', agentId: platform.agentId } });
    platform.services.carrier = Object.assign(Object.create(platform.services.carrier), { name: 'acme', simulatesCalls: false });
    const response = await platform.call('POST', '/numbers/sandbox/calls', { body: { to: '+14155550193', from: CALLER, script: [{ say: 'Hello' }] } });
    expect(response.status).toBe(422);
    expect(response.json.detail).toContain('simulated calls need the sandbox carrier');
    const probe = await platform.call('POST', `/agents/${platform.agentId}/probe/run`, { body: { scenario: { name: 'Hi', turns: [{ user: 'Hello' }] }, mode: 'phone' } });
    expect(probe.status).toBe(422);
    expect(probe.json.code).toBe('probe_mode_unavailable');
  });

  it('refuses a script step that says two things at once', async () => {
    const platform = await numbersPlatform();
    const response = await platform.call('POST', '/numbers/sandbox/calls', { body: { to: '+14155550191', from: CALLER, script: [{ say: 'Hi', dtmf: '1' }] } });
    expect(response.status).toBe(400);
    expect(response.json.errors).toEqual([{ field: 'script.0', message: 'give exactly one of say, dtmf or silenceSeconds' }]);
  });
});

describe('monthly rent', () => {
  it('is charged by the background tick once a month has passed, once, and not for imported or released numbers', async () => {
    const platform = await numbersPlatform();
    const kept = await buy(platform, '+14155550110');
    const dropped = await buy(platform, '+14155550111');
    await platform.call('POST', '/numbers/import', { body: { e164: '+16465550110' } });
    const rentals = () => platform.usage().filter((item) => item.kind === 'number_rental').map((item) => item.numberId);
    expect(rentals()).toEqual([kept.id, dropped.id]);

    platform.clock.now = new Date('2026-05-10T08:59:00.000Z');
    platform.background.tick();
    expect(rentals()).toHaveLength(2);

    await platform.call('DELETE', `/numbers/${dropped.id}`);
    platform.clock.now = new Date('2026-05-10T09:00:00.000Z');
    const before = await platform.balanceCents();
    platform.background.tick();
    platform.background.tick();
    expect(rentals()).toEqual([kept.id, dropped.id, kept.id]);
    expect(await platform.balanceCents()).toBe(before - 150);
    const [listed] = (await platform.call('GET', '/numbers?status=available')).json.data.filter((number: any) => number.id === kept.id);
    expect(listed.paidThrough).toBe(addMonth('2026-05-10T09:00:00.000Z'));
  });

  it('catches up every month a stopped server missed', async () => {
    const platform = await numbersPlatform();
    await buy(platform, '+14155550112');
    platform.clock.now = new Date('2026-07-11T00:00:00.000Z');
    platform.background.tick();
    expect(platform.usage().filter((item) => item.kind === 'number_rental')).toHaveLength(4);
    expect((await platform.call('GET', '/numbers')).json.data[0].paidThrough).toBe('2026-08-10T09:00:00.000Z');
  });
});
