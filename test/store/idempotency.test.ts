/**
 * Who runs an Idempotency-Key claim: the process that made it while it lives; a retry takes it
 * over once that process is dead (stopped beating, or stopped cleanly), and a tool re-run from a
 * taken-over claim continues from what the dead run recorded instead of doing it twice.
 */
import { describe, expect, it } from 'vitest';
import { body, createPlatform, PREPAID, type Platform } from '../helpers.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { IdempotencyStore } from '../../src/store/idempotency.ts';
import { INSTANCE_LEASE_MS, InstanceStore } from '../../src/store/instances.ts';
import { invokeTool } from '../../src/tools/invoke.ts';
import { resolveActor } from '../../src/auth/actor.ts';
import { publishAgent } from '../../src/tools/agents/versions.ts';
import { purchaseNumberTool } from '../../src/tools/numbers/buying.ts';
import type { Tool } from '../../src/tools/types.ts';

const closing = closeAfterEach();

function clockedPlatform(overrides = {}) {
  const clock = { at: Date.parse('2026-03-02T09:00:00Z') };
  const platform = closing(createPlatform(overrides, undefined, () => new Date(clock.at)));
  return { platform, clock, now: () => new Date(clock.at) };
}

/** A second process on the same database: its own instance, registered and beating on `now`. */
function otherProcess(platform: Platform, now: () => Date) {
  const instance = new InstanceStore(platform.services.db, now);
  instance.start();
  return { instance, idempotency: new IdempotencyStore(platform.services.db, now, instance) };
}

/** The store of a process that dies right after the tool's work, before it stores the response. */
class DiesBeforeAnswering extends IdempotencyStore {
  override complete(): void {}
}

/** Run `tool` in a process that dies before answering, then leave that process for dead. */
async function crashMidRequest(platform: Platform, now: () => Date, tool: Tool, input: Record<string, unknown>): Promise<unknown> {
  const instance = new InstanceStore(platform.services.db, now);
  instance.start();
  const services = { ...platform.services, idempotency: new DiesBeforeAnswering(platform.services.db, now, instance) };
  const actor = resolveActor(platform.services.credentials, `Bearer ${platform.orgA.apiKey.secret}`);
  const { data } = await invokeTool(tool, input, { actor, services, requestId: 'req_crashed' });
  instance.retire();
  return data;
}

describe('Idempotency-Key claims across processes', () => {
  it('stays with a live process that keeps beating, and passes to a retry once it stops', () => {
    const { platform, clock, now } = clockedPlatform();
    const orgId = platform.orgA.org.id;
    const first = otherProcess(platform, now);
    const second = otherProcess(platform, now);
    expect(first.idempotency.claim(orgId, 'k', 'publish_agent', 'h')).toEqual({ state: 'claimed', effect: null });
    first.idempotency.recordEffect(orgId, 'k', 'agv_made');
    expect(second.idempotency.claim(orgId, 'k', 'publish_agent', 'h')).toEqual({ state: 'in_progress' });
    clock.at += INSTANCE_LEASE_MS - 1000;
    first.instance.beat();
    clock.at += INSTANCE_LEASE_MS - 1000;
    expect(second.idempotency.claim(orgId, 'k', 'publish_agent', 'h')).toEqual({ state: 'in_progress' });
    expect(platform.services.idempotency.claim(orgId, 'k', 'publish_agent', 'h')).toEqual({ state: 'in_progress' });

    clock.at += 2000;
    second.instance.beat();
    expect(second.idempotency.claim(orgId, 'k', 'publish_agent', 'h')).toEqual({ state: 'claimed', effect: 'agv_made' });
    // Now the second process's: the first, should it wake, can neither answer nor release it.
    expect(platform.services.idempotency.claim(orgId, 'k', 'publish_agent', 'h')).toEqual({ state: 'in_progress' });
    first.idempotency.complete(orgId, 'k', { from: 'first' });
    first.idempotency.release(orgId, 'k');
    second.idempotency.complete(orgId, 'k', { from: 'second' });
    expect(first.idempotency.claim(orgId, 'k', 'publish_agent', 'h')).toEqual({ state: 'replay', response: { from: 'second' } });
    expect(first.idempotency.claim(orgId, 'k', 'publish_agent', 'other')).toEqual({ state: 'mismatch' });
  });

  it('passes a claim on at once when its process stopped cleanly', () => {
    const { platform, now } = clockedPlatform();
    const orgId = platform.orgA.org.id;
    const first = otherProcess(platform, now);
    first.idempotency.claim(orgId, 'k', 'topup_wallet', 'h');
    first.instance.retire();
    expect(platform.services.idempotency.claim(orgId, 'k', 'topup_wallet', 'h')).toEqual({ state: 'claimed', effect: null });
  });

  it('publish_agent: a retry after the crash answers with the version the dead run published, and publishes no other', async () => {
    const { platform, now } = clockedPlatform();
    const agent = (await body(await platform.request('POST', '/agents', { body: { name: 'Front desk' } }))).data;
    const published = (await crashMidRequest(platform, now, publishAgent, { id: agent.id, note: 'v1', idempotencyKey: 'pub-1' })) as { id: string };
    const retried = await platform.request('POST', `/agents/${agent.id}/publish`, { body: { note: 'v1' }, headers: { 'Idempotency-Key': 'pub-1' } });
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect((await body(retried)).data).toEqual(published);
    const versions = (await body(await platform.request('GET', `/agents/${agent.id}/versions`))).data;
    expect(versions.map((version: { id: string }) => version.id)).toEqual([published.id]);
    const replayed = await platform.request('POST', `/agents/${agent.id}/publish`, { body: { note: 'v1' }, headers: { 'Idempotency-Key': 'pub-1' } });
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
  });

  it('purchase_number: a retry after the crash answers with the number the dead run bought, charged once', async () => {
    const { platform, now } = clockedPlatform(PREPAID);
    const orgId = platform.orgA.org.id;
    await platform.request('POST', '/billing/wallet/credit', { body: { amountUsd: 20 } });
    const bought = (await crashMidRequest(platform, now, purchaseNumberTool, { e164: '+14155550160', idempotencyKey: 'buy-1' })) as { id: string };
    const retried = await platform.request('POST', '/numbers/purchase', { body: { e164: '+14155550160' }, headers: { 'Idempotency-Key': 'buy-1' } });
    expect(retried.status).toBe(201);
    expect((await body(retried)).data).toEqual(bought);
    expect(platform.services.usage.all({ orgId }).filter((item) => item.kind === 'number_rental')).toHaveLength(1);
    expect(platform.services.wallet.balance(orgId)).toBe(2000 - 150);
  });
});
