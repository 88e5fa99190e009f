import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { body, createPlatform, type Platform } from '../helpers.ts';

let platform: Platform;
beforeEach(() => {
  platform = createPlatform();
});
afterEach(() => platform.close());

async function createAgent(fields: Record<string, unknown> = {}) {
  const response = await platform.request('POST', '/agents', { body: { name: 'Acme Support', ...fields } });
  expect(response.status).toBe(201);
  return (await body(response)).data;
}

describe('create_agent', () => {
  it('creates a draft with defaults filled in', async () => {
    const agent = await createAgent();
    expect(agent.id).toMatch(/^agt_[0-9a-z]{26}$/);
    expect(agent).toMatchObject({
      status: 'draft',
      version: 1,
      primaryLanguage: 'en',
      languages: ['en'],
      publishedVersionId: null,
      hasUnpublishedChanges: true,
      handoffConfig: { warm: false, transferDestination: null, transferRules: [] },
      callControl: { onNoResponseAction: 'end' },
    });
  });

  it('keeps the primary language among the languages', async () => {
    const agent = await createAgent({ primaryLanguage: 'es', languages: ['en'] });
    expect(agent.languages).toEqual(['es', 'en']);
  });

  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])('rejects a field named %s, which only the prototype chain has', async (field) => {
    // Sent as raw JSON: JSON.parse makes even "__proto__" an own field of the body.
    const response = await platform.request('POST', '/agents', { body: `{"name":"x","${field}":{"greeting":"inherited"}}` });
    expect(response.status).toBe(400);
    expect((await body(response)).errors).toEqual([{ field, message: 'is not a field of create_agent' }]);
    const list = await platform.request('GET', `/agents?${field}=1`);
    expect(list.status).toBe(400);
    expect((await body(list)).errors).toEqual([{ field, message: 'is not a field of list_agents' }]);
  });

  it('rejects an invalid handoff destination and a bad timezone with field errors', async () => {
    const response = await platform.request('POST', '/agents', {
      body: {
        name: 'X',
        handoffConfig: { transferDestination: 'call me' },
        businessHours: { timezone: 'Mars/Base', weekly: {} },
      },
    });
    expect(response.status).toBe(400);
    const problem = await body(response);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(problem.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'businessHours.timezone',
      'handoffConfig.transferDestination',
    ]);
  });

  it('returns 422 for languages outside the catalog, naming each field', async () => {
    const response = await platform.request('POST', '/agents', { body: { name: 'X', primaryLanguage: 'tlh', languages: ['en', 'xx'] } });
    expect(response.status).toBe(422);
    expect(await body(response)).toMatchObject({
      code: 'unprocessable',
      errors: [
        { field: 'primaryLanguage', message: expect.stringContaining('/meta/languages') },
        { field: 'languages.1', message: expect.stringContaining('/meta/languages') },
      ],
    });
    const agent = await createAgent({ primaryLanguage: 'pt-BR', languages: ['fil'] });
    expect(agent.languages).toEqual(['pt-BR', 'fil']);
    const update = await platform.request('PATCH', `/agents/${agent.id}`, { body: { primaryLanguage: 'xx' } });
    expect(update.status).toBe(422);
    expect((await body(update)).errors).toEqual([{ field: 'primaryLanguage', message: expect.any(String) }]);
    expect((await body(await platform.request('GET', `/agents/${agent.id}`))).data).toMatchObject({ primaryLanguage: 'pt-BR', version: 1 });
  });

  it('saves 10-digit US transfer numbers in E.164, as a transfer skill does', async () => {
    const agent = await createAgent({
      handoffConfig: { transferDestination: '4155550100', transferRules: [{ label: 'Billing', when: 'billing', destination: '(415) 555-0111' }] },
      afterHours: { number: '415 555 0122' },
    });
    expect(agent.handoffConfig).toMatchObject({ transferDestination: '+14155550100', transferRules: [{ destination: '+14155550111' }] });
    expect(agent.afterHours.number).toBe('+14155550122');
    const updated = await platform.request('PATCH', `/agents/${agent.id}`, { body: { afterHours: { number: '4155550133' } } });
    expect((await body(updated)).data.afterHours.number).toBe('+14155550133');
    const stored = (await body(await platform.request('GET', `/agents/${agent.id}`))).data;
    expect(stored).toMatchObject({ handoffConfig: { transferDestination: '+14155550100' }, afterHours: { number: '+14155550133' } });
    const sip = await createAgent({ handoffConfig: { transferDestination: 'sip:desk@pbx.example' } });
    expect(sip.handoffConfig.transferDestination).toBe('sip:desk@pbx.example');
  });

  it('refuses transfer numbers that cannot be parsed, naming each field', async () => {
    const response = await platform.request('POST', '/agents', {
      body: {
        name: 'X',
        handoffConfig: { transferDestination: '12345', transferRules: [{ label: 'Billing', when: 'billing', destination: 'ring ring' }] },
        afterHours: { number: '555' },
      },
    });
    expect(response.status).toBe(400);
    const problem = await body(response);
    expect(problem.code).toBe('validation_error');
    expect(problem.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'afterHours.number',
      'handoffConfig.transferDestination',
      'handoffConfig.transferRules.0.destination',
    ]);
  });
});

describe('list_agents', () => {
  it('pages newest first with an opaque cursor', async () => {
    const names = ['one', 'two', 'three'];
    for (const name of names) await createAgent({ name });
    const first = await body(await platform.request('GET', '/agents?limit=2'));
    expect(first.data.map((agent: { name: string }) => agent.name)).toEqual(['three', 'two']);
    expect(first.hasMore).toBe(true);
    const second = await body(await platform.request('GET', `/agents?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`));
    expect(second.data.map((agent: { name: string }) => agent.name)).toEqual(['one']);
    expect(second).toMatchObject({ hasMore: false, nextCursor: null });
  });

  it('filters by status and by part of the name', async () => {
    const published = await createAgent({ name: 'Front desk' });
    await createAgent({ name: 'Back office' });
    await platform.request('POST', `/agents/${published.id}/publish`, { body: {} });
    const live = await body(await platform.request('GET', '/agents?status=published'));
    expect(live.data.map((agent: { name: string }) => agent.name)).toEqual(['Front desk']);
    const found = await body(await platform.request('GET', '/agents?q=OFFICE'));
    expect(found.data.map((agent: { name: string }) => agent.name)).toEqual(['Back office']);
  });

  it('answers 400 invalid_cursor for a forged cursor or one from another org', async () => {
    for (const name of ['a', 'b']) await createAgent({ name });
    const page = await body(await platform.request('GET', '/agents?limit=1'));
    const forged = await platform.request('GET', `/agents?cursor=${page.nextCursor.replace(/^./, 'x')}`);
    expect(forged.status).toBe(400);
    expect((await body(forged)).code).toBe('invalid_cursor');
    const otherOrg = await platform.request('GET', `/agents?cursor=${encodeURIComponent(page.nextCursor)}`, {
      token: platform.orgB.apiKey.secret,
    });
    expect(otherOrg.status).toBe(400);
    expect((await body(otherOrg)).code).toBe('invalid_cursor');
  });
});

describe('update_agent', () => {
  it('changes only the fields sent and bumps the version', async () => {
    const agent = await createAgent({ greeting: 'Hello' });
    const response = await platform.request('PATCH', `/agents/${agent.id}`, { body: { persona: { role: 'front desk' } } });
    const updated = (await body(response)).data;
    expect(updated.greeting).toBe('Hello');
    expect(updated.persona).toEqual({ role: 'front desk', goals: [], neverDo: [], tone: '' });
    expect(updated.version).toBe(2);
  });

  it('returns 409 with the current version and agent when If-Match is stale, and writes nothing', async () => {
    const agent = await createAgent();
    await platform.request('PATCH', `/agents/${agent.id}`, { body: { greeting: 'First' }, headers: { 'If-Match': '1' } });
    const stale = await platform.request('PATCH', `/agents/${agent.id}`, { body: { greeting: 'Second' }, headers: { 'If-Match': '"1"' } });
    expect(stale.status).toBe(409);
    const problem = await body(stale);
    expect(problem).toMatchObject({ code: 'version_conflict', currentVersion: 2, agent: { greeting: 'First', version: 2 } });
    const current = (await body(await platform.request('GET', `/agents/${agent.id}`))).data;
    expect(current.greeting).toBe('First');
  });

  it('rejects a misspelt field instead of ignoring it, and changes nothing', async () => {
    const agent = await createAgent({ greeting: 'Hello' });
    const response = await platform.request('PATCH', `/agents/${agent.id}`, { body: { greting: 'Hi' } });
    expect(response.status).toBe(400);
    expect((await body(response)).errors).toEqual([{ field: 'greting', message: 'is not a field of update_agent' }]);
    expect((await body(await platform.request('GET', `/agents/${agent.id}`))).data).toMatchObject({ greeting: 'Hello', version: 1 });
  });

  it('rejects a malformed If-Match', async () => {
    const agent = await createAgent();
    const response = await platform.request('PATCH', `/agents/${agent.id}`, { body: { greeting: 'x' }, headers: { 'If-Match': 'banana' } });
    expect(response.status).toBe(400);
    expect((await body(response)).errors[0].field).toBe('ifMatch');
  });
});

describe('delete_agent', () => {
  it('removes the agent from get and list', async () => {
    const agent = await createAgent();
    const deleted = await platform.request('DELETE', `/agents/${agent.id}`);
    expect((await body(deleted)).data).toEqual({ id: agent.id, deleted: true });
    expect((await platform.request('GET', `/agents/${agent.id}`)).status).toBe(404);
    expect((await body(await platform.request('GET', '/agents'))).data).toEqual([]);
    expect((await platform.request('DELETE', `/agents/${agent.id}`)).status).toBe(404);
  });
});

describe('publish_agent', () => {
  it('freezes numbered versions and reports which is live', async () => {
    const agent = await createAgent();
    const first = await platform.request('POST', `/agents/${agent.id}/publish`, { body: { note: 'first' } });
    expect(first.status).toBe(201);
    expect((await body(first)).data).toMatchObject({ number: 1, note: 'first', isLive: true, publishedBy: platform.orgA.apiKey.id });
    await platform.request('PATCH', `/agents/${agent.id}`, { body: { greeting: 'Hi' } });
    const afterEdit = (await body(await platform.request('GET', `/agents/${agent.id}`))).data;
    expect(afterEdit).toMatchObject({ status: 'published', hasUnpublishedChanges: true, publishedVersionNumber: 1 });
    await platform.request('POST', `/agents/${agent.id}/publish`, { body: { note: 'second' } });
    const versions = await body(await platform.request('GET', `/agents/${agent.id}/versions`));
    expect(versions.data.map((version: { number: number; isLive: boolean }) => [version.number, version.isLive])).toEqual([
      [2, true],
      [1, false],
    ]);
  });

  it('returns 409 when If-Match names a draft version that is no longer current', async () => {
    const agent = await createAgent();
    await platform.request('PATCH', `/agents/${agent.id}`, { body: { greeting: 'Hi' } });
    const response = await platform.request('POST', `/agents/${agent.id}/publish`, { body: {}, headers: { 'If-Match': '1' } });
    expect(response.status).toBe(409);
    expect((await body(response)).code).toBe('version_conflict');
    expect((await body(await platform.request('GET', `/agents/${agent.id}/versions`))).data).toEqual([]);
  });

  it('replays the stored response for a repeated Idempotency-Key and refuses a different body', async () => {
    const agent = await createAgent();
    const headers = { 'Idempotency-Key': 'release-1' };
    const first = await platform.request('POST', `/agents/${agent.id}/publish`, { body: { note: 'v1' }, headers });
    const again = await platform.request('POST', `/agents/${agent.id}/publish`, { body: { note: 'v1' }, headers });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await body(again)).data).toEqual((await body(first)).data);
    expect((await body(await platform.request('GET', `/agents/${agent.id}/versions`))).data).toHaveLength(1);
    const different = await platform.request('POST', `/agents/${agent.id}/publish`, { body: { note: 'v2' }, headers });
    expect(different.status).toBe(422);
    expect((await body(different)).code).toBe('idempotency_key_reused');
  });

  it('returns 409 while a request with the same Idempotency-Key is still running', async () => {
    const agent = await createAgent();
    const input = { id: agent.id, note: 'v1', ifMatch: undefined, idempotencyKey: 'busy' };
    // Claim the key the way an in-flight publish does, then retry it.
    const { createHash } = await import('node:crypto');
    const { idempotencyKey: _key, ...rest } = input;
    const hash = createHash('sha256').update('publish_agent').update(JSON.stringify(rest)).digest('hex');
    platform.services.idempotency.claim(platform.orgA.org.id, 'busy', 'publish_agent', hash);
    const response = await platform.request('POST', `/agents/${agent.id}/publish`, { body: { note: 'v1' }, headers: { 'Idempotency-Key': 'busy' } });
    expect(response.status).toBe(409);
    expect((await body(response)).code).toBe('idempotency_in_progress');
  });

  it('keeps Idempotency-Keys per org', async () => {
    const agentA = await createAgent();
    const agentB = (await body(await platform.request('POST', '/agents', { body: { name: 'B' }, token: platform.orgB.apiKey.secret }))).data;
    const headers = { 'Idempotency-Key': 'same' };
    expect((await platform.request('POST', `/agents/${agentA.id}/publish`, { body: {}, headers })).status).toBe(201);
    const other = await platform.request('POST', `/agents/${agentB.id}/publish`, { body: {}, headers, token: platform.orgB.apiKey.secret });
    expect(other.status).toBe(201);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
  });
});

describe('rollback_agent and diff_agent_version', () => {
  it('repoints the live version and diffs any version against the draft', async () => {
    const agent = await createAgent({ greeting: 'One' });
    const v1 = (await body(await platform.request('POST', `/agents/${agent.id}/publish`, { body: {} }))).data;
    await platform.request('PATCH', `/agents/${agent.id}`, {
      body: { greeting: 'Two', handoffConfig: { transferDestination: '+14155550100' } },
    });
    await platform.request('POST', `/agents/${agent.id}/publish`, { body: {} });

    const rolledBack = await platform.request('POST', `/agents/${agent.id}/rollback`, { body: { versionId: v1.id } });
    expect((await body(rolledBack)).data).toMatchObject({ publishedVersionId: v1.id, publishedVersionNumber: 1, hasUnpublishedChanges: true });

    const diff = await body(await platform.request('GET', `/agents/${agent.id}/versions/${v1.id}/diff`));
    expect(diff).toMatchObject({ versionId: v1.id, versionNumber: 1 });
    expect(diff.data).toEqual([
      { field: 'agent.greeting', before: 'One', after: 'Two', kind: 'changed' },
      { field: 'agent.handoffConfig.transferDestination', before: null, after: '+14155550100', kind: 'changed' },
    ]);
  });

  it('reports added and removed fields', async () => {
    const agent = await createAgent();
    const v1 = (await body(await platform.request('POST', `/agents/${agent.id}/publish`, { body: {} }))).data;
    await platform.request('PATCH', `/agents/${agent.id}`, { body: { voiceMap: { en: 'voc_amelia_gb' } } });
    const diff = (await body(await platform.request('GET', `/agents/${agent.id}/versions/${v1.id}/diff`))).data;
    expect(diff).toContainEqual({ field: 'agent.voiceMap.en', before: null, after: 'voc_amelia_gb', kind: 'added' });
  });

  it('answers 404 for a version of another agent', async () => {
    const first = await createAgent();
    const second = await createAgent();
    const version = (await body(await platform.request('POST', `/agents/${first.id}/publish`, { body: {} }))).data;
    const response = await platform.request('POST', `/agents/${second.id}/rollback`, { body: { versionId: version.id } });
    expect(response.status).toBe(404);
  });
});

describe('get_prepublish_report', () => {
  it('says what the agent will do and warns about gaps, from the compiled draft', async () => {
    const agent = await createAgent({
      greeting: 'Thanks for calling Acme.',
      persona: { role: 'the Acme front desk', neverDo: ['quote prices'] },
      callControl: { onNoResponseAction: 'transfer' },
      handoffConfig: { warm: true, transferRules: [{ label: 'Billing', when: 'invoice questions', destination: '+14155550111' }] },
      afterHours: { allowHumanTransfer: true },
    });
    const report = (await body(await platform.request('GET', `/agents/${agent.id}/prepublish-report`))).data;
    expect(report.willSay).toContain('Opens with: "Thanks for calling Acme."');
    expect(report.wontSay).toEqual(['Never: quote prices']);
    expect(report.dataLeaves).toEqual([
      { skill: 'handoff: Billing', fields: ['caller summary', 'reason for transfer', 'caller id'], destination: '+14155550111' },
    ]);
    const codes = report.warnings.map((warning: { code: string }) => warning.code);
    expect(codes).toEqual(expect.arrayContaining(['no_voice', 'no_knowledge', 'after_hours_transfer_without_number']));
    expect(codes).not.toContain('silence_transfer_without_destination');
    expect(report.changesSinceLive).toBeNull();
    await platform.request('POST', `/agents/${agent.id}/publish`, { body: {} });
    const afterPublish = (await body(await platform.request('GET', `/agents/${agent.id}/prepublish-report`))).data;
    expect(afterPublish).toMatchObject({ liveVersionNumber: 1, changesSinceLive: [] });
  });
});

describe('set_agent_voice', () => {
  it('sets the primary-language voice and a per-language voice without touching others', async () => {
    const agent = await createAgent({ languages: ['en', 'es'] });
    const english = (await body(await platform.request('PUT', `/agents/${agent.id}/voice`, { body: { voiceId: 'voc_amelia_gb' } }))).data;
    expect(english).toMatchObject({ defaultVoiceId: 'voc_amelia_gb', voiceMap: { en: 'voc_amelia_gb' } });
    const spanishVoice = platform.services.voices.filter({ language: 'es' })[0];
    const both = (await body(await platform.request('PUT', `/agents/${agent.id}/voice`, { body: { voiceId: spanishVoice.id, language: 'es' } }))).data;
    expect(both).toMatchObject({ defaultVoiceId: 'voc_amelia_gb', voiceMap: { en: 'voc_amelia_gb', es: spanishVoice.id } });
  });

  it('answers 404 for an unknown voice and 422 for a language the voice does not speak', async () => {
    const agent = await createAgent();
    expect((await platform.request('PUT', `/agents/${agent.id}/voice`, { body: { voiceId: 'voc_nobody' } })).status).toBe(404);
    const monolingual = platform.services.voices.voices.find((voice) => voice.supportedLanguages.length === 1 && voice.language === 'en');
    const response = await platform.request('PUT', `/agents/${agent.id}/voice`, { body: { voiceId: monolingual?.id, language: 'ja' } });
    expect(response.status).toBe(422);
    expect((await body(await platform.request('GET', `/agents/${agent.id}`))).data.voiceMap).toEqual({});
  });
});

describe('Idempotency-Key lifetime', () => {
  it('forgets a key after 24 hours, so the same key starts a new publish', async () => {
    platform.close();
    let now = new Date('2026-01-01T00:00:00Z');
    platform = createPlatform({}, undefined, () => now);
    const agent = await createAgent();
    const headers = { 'Idempotency-Key': 'daily' };
    await platform.request('POST', `/agents/${agent.id}/publish`, { body: {}, headers });
    now = new Date('2026-01-02T00:00:01Z');
    const next = await platform.request('POST', `/agents/${agent.id}/publish`, { body: {}, headers });
    expect(next.headers.get('idempotent-replayed')).toBeNull();
    expect((await body(next)).data.number).toBe(2);
  });
});
