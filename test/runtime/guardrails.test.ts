import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { body } from '../helpers.ts';
import { createChatPlatform, type ChatPlatform } from '../chat-helpers.ts';
import { startWebhookServer, type WebhookServer } from '../support/webhook-server.ts';

let platform: ChatPlatform | undefined;
let webhook: WebhookServer | undefined;
const opened = closeAfterEach();

async function call(chat: ChatPlatform, method: string, path: string, payload?: unknown) {
  const response = await chat.request(method, path, { body: payload });
  return { status: response.status, json: await body(response) };
}

async function addSkill(chat: ChatPlatform, skill: Record<string, unknown>) {
  const { status, json } = await call(chat, 'POST', `/agents/${chat.agentId}/skills`, skill);
  if (status !== 201) throw new Error(JSON.stringify(json));
  return json.data;
}

async function say(chat: ChatPlatform, sessionId: string, content: string) {
  return (await call(chat, 'POST', `/chat/sessions/${sessionId}/messages`, { content })).json.data;
}

const types = (turn: any) => turn.events.map((event: any) => (event.type === 'guardrail' || event.type === 'verification' ? `${event.type}:${event.data.rule ?? event.data.outcome}` : event.type));

describe('guardrail policies over REST', () => {
  it('replace the whole list from a bare array, patch by type and scope, and validate each policy', async () => {
    platform = opened(await createChatPlatform());
    const path = `/agents/${platform.agentId}/guardrails`;
    const replaced = await call(platform, 'PUT', path, [
      { policyType: 'rate_limit', config: { maxCallsPerConversation: 2 } },
      { policyType: 'content_rule', config: { blockedTopics: ['politics'] } },
    ]);
    expect(replaced.status).toBe(200);
    expect(replaced.json.data.map((policy: any) => [policy.policyType, policy.config])).toEqual([
      ['rate_limit', { maxCallsPerConversation: 2 }],
      ['content_rule', { blockedTopics: ['politics'] }],
    ]);
    const patched = await call(platform, 'PATCH', path, [{ policyType: 'rate_limit', config: { maxCallsPerConversation: 5 } }, { policyType: 'write_gating' }]);
    expect(patched.json.data.map((policy: any) => [policy.policyType, policy.config])).toEqual([
      ['rate_limit', { maxCallsPerConversation: 5 }],
      ['content_rule', { blockedTopics: ['politics'] }],
      ['write_gating', { minStakes: 'medium' }],
    ]);
    const bad = await call(platform, 'PUT', path, [{ policyType: 'content_rule', config: {} }]);
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((error: any) => error.field)).toContain('policies.0.config.blockedTopics');
    const foreign = await call(platform, 'PUT', path, [{ policyType: 'verify_before_disclose', appliesToSkillId: 'skl_01jabcdefghjkmnpqrstvwxyz0' }]);
    expect(foreign.status).toBe(400);
    expect((await call(platform, 'GET', path)).json.data).toHaveLength(3);
  });

  it('refuse otp_sms until SMS exists, and verifier skills of another agent', async () => {
    platform = opened(await createChatPlatform());
    const path = `/agents/${platform.agentId}/caller-verification`;
    const sms = await call(platform, 'PUT', path, [{ method: 'otp_sms', requiredFields: ['phone'] }]);
    expect(sms.status).toBe(422);
    expect(sms.json).toMatchObject({ code: 'method_unavailable', errors: [{ field: 'configs.0.method' }] });
    const unknown = await call(platform, 'PUT', path, [{ method: 'account_pin', requiredFields: ['pin'], verifierSkillId: 'skl_01jabcdefghjkmnpqrstvwxyz0' }]);
    expect(unknown.status).toBe(400);
    const saved = await call(platform, 'PUT', path, [{ method: 'account_pin', requiredFields: ['pin'] }]);
    expect(saved.json.data[0]).toMatchObject({ method: 'account_pin', tokenTtlSeconds: 600, maxAttempts: 3, stepUpFor: [] });
  });
});

describe('caller verification in a conversation', () => {
  async function bankAgent(options: { maxAttempts?: number; stepUpFor?: string[] } = {}) {
    platform = opened(await createChatPlatform({ allowPrivateNetwork: true }));
    webhook = opened(await startWebhookServer());
    webhook.answer((request) =>
      request.path === '/verify'
        ? { json: { verified: request.body.date_of_birth === '1990-01-02' && request.body.postcode === '80302', customer: 'Dana Smith, acct 991' } }
        : { json: { balance: '$42.10' } },
    );
    await addSkill(platform, {
      name: 'Check account balance',
      description: 'Tell the caller the balance of their account.',
      skillType: 'http_webhook',
      executionConfig: { url: `${webhook.url}/balance` },
      parametersSchema: { type: 'object', properties: {} },
      requiresVerifiedIdentity: true,
    });
    const verifier = await addSkill(platform, {
      name: 'Verify caller',
      description: 'Checks a caller against the records.',
      skillType: 'http_webhook',
      executionConfig: { url: `${webhook.url}/verify` },
      parametersSchema: { type: 'object', properties: { date_of_birth: { type: 'string' }, postcode: { type: 'string' } } },
    });
    await call(platform, 'PUT', `/agents/${platform.agentId}/caller-verification`, [
      { method: 'dob_postcode', requiredFields: ['date_of_birth', 'postcode'], verifierSkillId: verifier.id, maxAttempts: options.maxAttempts ?? 3, stepUpFor: options.stepUpFor ?? [] },
    ]);
    return (await call(platform, 'POST', '/chat/sessions', { agentId: platform.agentId, draftMode: true })).json.data;
  }

  it('refuse a gated skill before verification and run it after, without the verifier\'s records reaching the model', async () => {
    const session = await bankAgent();
    const chat = platform!;
    const blocked = await say(chat, session.id, 'What is my account balance?');
    expect(types(blocked)).toContain('guardrail:verify_before_disclose');
    expect(webhook!.received.filter((request) => request.path === '/balance')).toHaveLength(0);
    expect(blocked.messages[1].content).toMatch(/date of birth and postcode/);

    const verified = await say(chat, session.id, 'My date of birth is 1990-01-02 and my postcode is 80302');
    expect(types(verified)).toContain('verification:verified');
    const call = verified.events.find((event: any) => event.type === 'tool_call');
    expect(call.data).toMatchObject({ name: 'verify_identity', input: { date_of_birth: '(given)', postcode: '(given)' }, output: { verified: true } });
    expect(JSON.stringify(verified)).not.toContain('acct 991');

    const answered = await say(chat, session.id, 'What is my account balance?');
    expect(answered.events.find((event: any) => event.type === 'tool_call').data).toMatchObject({ name: 'check_account_balance', ok: true });
    expect(answered.messages[1].content).toContain('$42.10');
  });

  it('lock verification after maxAttempts failures, and keep the skill refused', async () => {
    const session = await bankAgent({ maxAttempts: 2 });
    const chat = platform!;
    const first = await say(chat, session.id, 'My date of birth is 1985-05-05 and my postcode is 10001');
    expect(first.events.find((event: any) => event.type === 'verification').data).toMatchObject({ outcome: 'failed', attempt: 1, attemptsLeft: 1 });
    const second = await say(chat, session.id, 'Sorry, date of birth 1985-05-06, postcode 10001');
    expect(second.events.find((event: any) => event.type === 'verification').data).toMatchObject({ outcome: 'locked' });
    const verifierCalls = () => webhook!.received.filter((request) => request.path === '/verify').length;
    expect(verifierCalls()).toBe(2);
    const third = await say(chat, session.id, 'My date of birth is 1990-01-02 and my postcode is 80302');
    expect(types(third)).toContain('verification:locked');
    expect(verifierCalls()).toBe(2);
    const refused = await say(chat, session.id, 'What is my account balance?');
    expect(types(refused)).toContain('guardrail:verify_before_disclose');
    expect(webhook!.received.filter((request) => request.path === '/balance')).toHaveLength(0);
  });

  it('ask for a fresh verification for step-up skills even after a basic one', async () => {
    const session = await bankAgent({ stepUpFor: ['Check account balance'] });
    const chat = platform!;
    await say(chat, session.id, 'My date of birth is 1990-01-02 and my postcode is 80302');
    const stepUp = await say(chat, session.id, 'What is my account balance?');
    expect(types(stepUp)).toContain('guardrail:step_up');
    const again = await say(chat, session.id, 'Date of birth 1990-01-02, postcode 80302');
    expect(again.events.find((event: any) => event.type === 'verification').data).toMatchObject({ outcome: 'verified', level: 'step_up' });
    const answered = await say(chat, session.id, 'What is my account balance?');
    expect(answered.messages[1].content).toContain('$42.10');
  });
});

describe('other policies in a conversation', () => {
  it('refuse a blocked topic before the model, and stream no tokens while content rules exist', async () => {
    platform = opened(await createChatPlatform());
    await call(platform, 'PUT', `/agents/${platform.agentId}/guardrails`, [{ policyType: 'content_rule', config: { blockedTopics: ['election'], response: 'I only help with plumbing.' } }]);
    const session = (await call(platform, 'POST', '/chat/sessions', { agentId: platform.agentId, draftMode: true })).json.data;
    const refused = await say(platform, session.id, 'Who should I vote for in the election?');
    expect(types(refused)).toEqual(['user_utterance', 'guardrail:content_rule', 'agent_message']);
    expect(refused.messages[1].content).toBe('I only help with plumbing.');
    const streamed = await platform.request('POST', `/chat/sessions/${session.id}/messages`, { body: { content: 'When are you open on Saturday?', stream: true } });
    const text = await streamed.text();
    expect(text).not.toContain('event: token');
    expect(text).toContain('Saturday from 9am to noon');
  });

  it('cap a skill\'s runs per conversation, and ask before high-stakes writes', async () => {
    platform = opened(await createChatPlatform({ allowPrivateNetwork: true }));
    webhook = opened(await startWebhookServer());
    webhook.answer({ json: { status: 'shipped' } });
    await addSkill(platform, {
      name: 'Check order status',
      description: 'Look up where an order is by order number.',
      skillType: 'http_webhook',
      executionConfig: { url: `${webhook.url}/status` },
      parametersSchema: { type: 'object', properties: { order_id: { type: 'string', description: 'The order number' } }, required: ['order_id'] },
    });
    await addSkill(platform, {
      name: 'Cancel order',
      description: 'Cancel an order by order number.',
      skillType: 'http_webhook',
      stakes: 'high',
      executionConfig: { url: `${webhook.url}/cancel` },
      parametersSchema: { type: 'object', properties: { order_id: { type: 'string', description: 'The order number' } }, required: ['order_id'] },
    });
    await call(platform, 'PUT', `/agents/${platform.agentId}/guardrails`, [
      { policyType: 'rate_limit', appliesToSkillType: 'http_webhook', config: { maxCallsPerConversation: 1 } },
      { policyType: 'write_gating', config: { minStakes: 'high' } },
    ]);
    const session = (await call(platform, 'POST', '/chat/sessions', { agentId: platform.agentId, draftMode: true })).json.data;
    await say(platform, session.id, 'What is the status of order A12345?');
    const second = await say(platform, session.id, 'And the status of order B22222?');
    expect(types(second)).toContain('guardrail:rate_limit');
    const cancel = await say(platform, session.id, 'Please cancel order C33333');
    expect(cancel.events.find((event: any) => event.type === 'guardrail').data).toMatchObject({ rule: 'requires_confirmation', action: 'asked', tool: 'cancel_order' });
    expect(webhook.received.map((request) => request.path)).toEqual(['/status']);
  });

  it('refuse a transfer while closed, unless after-hours transfer is on (then to the on-call number)', async () => {
    const sunday = new Date('2026-11-29T15:00:00Z');
    platform = opened(await createChatPlatform({}, () => sunday));
    const closedAllWeekend = { timezone: 'America/Denver', weekly: { monday: [{ open: '08:00', close: '18:00' }] }, holidays: [] };
    await call(platform, 'PATCH', `/agents/${platform.agentId}`, { businessHours: closedAllWeekend, afterHours: { allowHumanTransfer: false, message: 'We reopen Monday at 8am.' } });
    await addSkill(platform, { name: 'Transfer to a technician', description: 'Transfer the caller to a technician for repairs.', skillType: 'transfer', executionConfig: { destination: '+14155550111' } });
    const session = (await call(platform, 'POST', '/chat/sessions', { agentId: platform.agentId, draftMode: true })).json.data;
    const closed = await say(platform, session.id, 'Transfer me to a technician please');
    expect(closed.events.find((event: any) => event.type === 'guardrail').data).toMatchObject({ rule: 'business_hours', action: 'blocked' });
    expect(closed.events.some((event: any) => event.type === 'handoff')).toBe(false);

    // Urgent situations the operator names still reach the on-call number with transfers off.
    await call(platform, 'PATCH', `/agents/${platform.agentId}`, { afterHours: { allowHumanTransfer: false, number: '+14155550199', urgentWhen: ['no heat'] } });
    const ordinary = await say(platform, session.id, 'Transfer me to a technician please');
    expect(ordinary.events.some((event: any) => event.type === 'handoff')).toBe(false);
    const urgent = await say(platform, session.id, 'We have no heat at all, transfer me to a technician');
    expect(urgent.events.find((event: any) => event.type === 'guardrail').data).toMatchObject({ rule: 'business_hours', action: 'urgent_rerouted' });
    expect(urgent.events.find((event: any) => event.type === 'handoff').data.destination).toBe('+14155550199');

    await call(platform, 'PATCH', `/agents/${platform.agentId}`, { afterHours: { allowHumanTransfer: true, number: '+14155550199', message: '' } });
    const onCall = await say(platform, session.id, 'Transfer me to a technician please');
    expect(onCall.events.find((event: any) => event.type === 'handoff').data.destination).toBe('+14155550199');
  });
});

describe('handoff by context', () => {
  it('hands off to the rule whose "when" matches what was said, else to the default destination', async () => {
    platform = opened(await createChatPlatform());
    await call(platform, 'PATCH', `/agents/${platform.agentId}`, {
      handoffConfig: {
        warm: true,
        transferDestination: '+14155550100',
        transferRules: [
          { label: 'Billing', when: 'caller asks about an invoice, charge, or refund', destination: '+14155550111' },
          { label: 'Spanish line', when: 'caller prefers Spanish', destination: '+14155550122' },
        ],
      },
    });
    const session = async () => (await call(platform!, 'POST', '/chat/sessions', { agentId: platform!.agentId, draftMode: true })).json.data;
    const billing = await say(platform, (await session()).id, 'I want to talk to a person about a charge on my invoice');
    expect(billing.events.find((event: any) => event.type === 'handoff').data).toMatchObject({ destination: '+14155550111', warm: true, skill: 'transfer_to_person' });
    const human = await say(platform, (await session()).id, 'Can I speak to a real person please?');
    expect(human.events.find((event: any) => event.type === 'handoff').data.destination).toBe('+14155550100');
  });
});
