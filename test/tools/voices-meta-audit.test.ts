import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { body, createPlatform, type Platform } from '../helpers.ts';

let platform: Platform;
beforeEach(() => {
  platform = createPlatform();
});
afterEach(() => platform.close());

describe('list_voices', () => {
  it('narrows the catalog by every facet given (AND)', async () => {
    const all = await body(await platform.request('GET', '/voices'));
    expect(all.total).toBe(platform.services.voices.voices.length);
    const narrowed = await body(await platform.request('GET', '/voices?gender=female&accent=british&age=old'));
    expect(narrowed.total).toBeGreaterThan(0);
    expect(narrowed.total).toBeLessThan(all.total);
    for (const voice of narrowed.data) expect(voice).toMatchObject({ gender: 'female', accent: 'british', age: 'old' });
  });

  it('matches a language any voice can speak, not only its native one', async () => {
    const spanish = await body(await platform.request('GET', '/voices?language=es'));
    expect(spanish.data.every((voice: { supportedLanguages: string[] }) => voice.supportedLanguages.includes('es'))).toBe(true);
    expect(spanish.data.some((voice: { language: string }) => voice.language !== 'es')).toBe(true);
  });
});

describe('get_voice_facets', () => {
  it('counts each value under the other filters, so counts match the list', async () => {
    const facets = (await body(await platform.request('GET', '/voices/facets?accent=british'))).data;
    const female = facets.facets.gender.find((entry: { value: string }) => entry.value === 'female');
    const list = await body(await platform.request('GET', '/voices?accent=british&gender=female'));
    expect(female.count).toBe(list.total);
    // The accent facet ignores its own filter, so other accents still show counts.
    expect(facets.facets.accent.length).toBeGreaterThan(1);
    expect(facets.total).toBe((await body(await platform.request('GET', '/voices?accent=british'))).total);
  });
});

describe('search_voices', () => {
  it('turns a phrase into facets and ranks voices that match them', async () => {
    const response = await platform.request('POST', '/voices/search', { body: { query: 'calm older british woman for support', limit: 3 } });
    const result = await body(response);
    expect(result.filters).toEqual({ tone: 'calm', age: 'old', accent: 'british', gender: 'female', useCase: 'support' });
    expect(result.data).toHaveLength(3);
    expect(result.data[0]).toMatchObject({ tone: 'calm', age: 'old', accent: 'british', gender: 'female' });
    expect(result.data[0].matched).toHaveLength(5);
  });
});

describe('meta', () => {
  it('returns account capability flags for any authenticated caller', async () => {
    const key = platform.keyWith(['billing:read']);
    const account = (await body(await platform.request('GET', '/meta/account', { token: key }))).data;
    expect(account).toMatchObject({ orgId: platform.orgA.org.id, orgName: 'Org A', scopes: ['billing:read'], actor: { type: 'api_key' } });
    expect(account.capabilities).toHaveProperty('outboundCalling');
  });

  it('returns the language matrix per agent type and tier', async () => {
    const matrix = (await body(await platform.request('GET', '/meta/languages'))).data;
    expect(matrix.tiers).toEqual(['budget', 'standard', 'premium']);
    const english = matrix.languages.find((language: { code: string }) => language.code === 'en');
    expect(english.agentTypes.single_language).toContain('budget');
  });
});

describe('list_audit_logs', () => {
  it('records every request with who made it, and filters by actor and time', async () => {
    await platform.request('GET', '/agents');
    await platform.request('GET', '/agents/agt_missing');
    await platform.request('GET', '/agents', { token: platform.orgA.session.token });
    const since = new Date(Date.now() - 60_000).toISOString();
    const logs = (await body(await platform.request('GET', `/audit-logs?from=${since}`))).data;
    expect(logs.map((entry: { endpoint: string; status: number; actorType: string }) => [entry.endpoint, entry.status, entry.actorType])).toEqual([
      ['/api/v1/agents', 200, 'user'],
      ['/api/v1/agents/agt_missing', 404, 'api_key'],
      ['/api/v1/agents', 200, 'api_key'],
    ]);
    const byUser = (await body(await platform.request('GET', '/audit-logs?actorType=user'))).data;
    expect(byUser).toHaveLength(1);
    expect(byUser[0].actorId).toBe(platform.orgA.userId);
    const future = (await body(await platform.request('GET', `/audit-logs?from=${new Date(Date.now() + 60_000).toISOString()}`))).data;
    expect(future).toEqual([]);
  });

  it('never shows another org its entries', async () => {
    await platform.request('GET', '/agents', { token: platform.orgB.apiKey.secret });
    const logs = (await body(await platform.request('GET', '/audit-logs'))).data;
    expect(logs.every((entry: { actorId: string }) => entry.actorId !== platform.orgB.apiKey.id)).toBe(true);
  });
});
