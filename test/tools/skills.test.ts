import { afterEach, describe, expect, it } from 'vitest';
import { body, createPlatform, type Platform } from '../helpers.ts';

let platform: Platform | undefined;
afterEach(() => {
  platform?.close();
  platform = undefined;
});

async function agentOf(chat: Platform): Promise<string> {
  return (await body(await chat.request('POST', '/agents', { body: { name: 'Tony\'s Pizza' } }))).data.id;
}

const orderSkill = {
  name: 'Submit order',
  description: 'Send the confirmed order to the kitchen.',
  skillType: 'http_webhook',
  executionConfig: {
    url: 'https://tonyspizza.example/api/orders',
    headers: { Authorization: 'Bearer kitchen-secret' },
    parameters: [
      { name: 'items', description: 'The ordered items with size and quantity' },
      { name: 'phone', description: 'Callback number', required: false },
    ],
  },
};

describe('list_skill_types', () => {
  it('lists every type with its settings and whether it can run in this release', async () => {
    platform = createPlatform();
    const types = (await body(await platform.request('GET', '/skill-types'))).data;
    const byType = Object.fromEntries(types.map((type: any) => [type.skillType, type.available]));
    expect(byType).toEqual({ http_webhook: true, transfer: true, take_message: true, geo: true, email: true, mcp: true, integration_binding: true, integration_action: true });
  });
});

describe('create_skill', () => {
  it('turns the parameters shorthand into a JSON Schema, and never shows header values again', async () => {
    platform = createPlatform();
    const agentId = await agentOf(platform);
    const response = await platform.request('POST', `/agents/${agentId}/skills`, { body: orderSkill });
    expect(response.status).toBe(201);
    const skill = (await body(response)).data;
    expect(skill.parametersSchema).toEqual({
      type: 'object',
      properties: { items: { type: 'string', description: 'The ordered items with size and quantity' }, phone: { type: 'string', description: 'Callback number' } },
      required: ['items'],
    });
    expect(skill.requiredParams).toEqual(['items']);
    expect(skill.executionConfig).toEqual({ url: 'https://tonyspizza.example/api/orders', method: 'POST', timeout_ms: 8000, headers: { Authorization: '(set)' } });
    expect(JSON.stringify(await body(await platform.request('GET', `/agents/${agentId}/skills/${skill.id}`)))).not.toContain('kitchen-secret');
    const report = (await body(await platform.request('GET', `/agents/${agentId}/prepublish-report`))).data;
    expect(report.dataLeaves).toContainEqual({ skill: 'Submit order', fields: ['items', 'phone'], destination: 'POST https://tonyspizza.example/api/orders' });
    expect(JSON.stringify(report)).not.toContain('kitchen-secret');
  });

  it('keeps a header sent back as "(set)", and replaces one sent with a new value', async () => {
    platform = createPlatform();
    const agentId = await agentOf(platform);
    const skill = (await body(await platform.request('POST', `/agents/${agentId}/skills`, { body: orderSkill }))).data;
    await platform.request('PATCH', `/agents/${agentId}/skills/${skill.id}`, { body: { executionConfig: { ...skill.executionConfig, timeout_ms: 5000 } } });
    const stored = () => platform!.services.skills.find(platform!.orgA.org.id, agentId, skill.id)!.executionConfig;
    expect(stored()).toMatchObject({ timeout_ms: 5000, headers: { Authorization: 'Bearer kitchen-secret' } });
    await platform.request('PATCH', `/agents/${agentId}/skills/${skill.id}`, { body: { executionConfig: { ...skill.executionConfig, headers: { Authorization: 'Bearer rotated' } } } });
    expect(stored()).toMatchObject({ headers: { Authorization: 'Bearer rotated' } });
  });

  it('normalizes a 10-digit US transfer number to E.164', async () => {
    platform = createPlatform();
    const agentId = await agentOf(platform);
    const skill = (await body(await platform.request('POST', `/agents/${agentId}/skills`, {
      body: { name: 'Transfer to billing', description: 'Billing questions.', skillType: 'transfer', executionConfig: { destination: '(415) 555-0111' } },
    }))).data;
    expect(skill.executionConfig.destination).toBe('+14155550111');
  });

  it.each([
    [{ parametersSchema: { type: 'string' } }, 400, 'parametersSchema'],
    [{ parametersSchema: { type: 'object', properties: { a: { type: 'strnig' } } } }, 400, 'parametersSchema'],
    [{ executionConfig: { url: 'not a url' } }, 400, 'executionConfig.url'],
    [{ skillType: 'transfer', executionConfig: { destination: '12' } }, 400, 'executionConfig.destination'],
    [{ skillType: 'geo', executionConfig: {} }, 400, 'executionConfig.action'],
  ])('refuses %j with %i naming the field', async (change, status, field) => {
    platform = createPlatform();
    const agentId = await agentOf(platform);
    const response = await platform.request('POST', `/agents/${agentId}/skills`, { body: { ...orderSkill, ...change } });
    expect(response.status).toBe(status);
    const problem = await body(response);
    expect(problem.errors.map((error: any) => error.field)).toContain(field);
    expect(platform.services.skills.all(platform.orgA.org.id, agentId)).toEqual([]);
  });
});

describe('skills in the compiled agent', () => {
  it('compile enabled skills under unique tool names, and diffs mask their secrets', async () => {
    platform = createPlatform();
    const agentId = await agentOf(platform);
    await platform.request('POST', `/agents/${agentId}/publish`, { body: {} });
    const live = (await body(await platform.request('GET', `/agents/${agentId}`))).data.publishedVersionId;
    await platform.request('POST', `/agents/${agentId}/skills`, { body: orderSkill });
    await platform.request('POST', `/agents/${agentId}/skills`, { body: { ...orderSkill, name: 'Submit order!' } });
    await platform.request('POST', `/agents/${agentId}/skills`, { body: { ...orderSkill, name: 'Off', enabled: false } });
    const agent = platform.services.agents.find(platform.orgA.org.id, agentId)!;
    const { compileCurrent } = await import('../../src/runtime/compile.ts');
    expect(compileCurrent(platform.services, agent).skills.map((skill) => skill.toolName)).toEqual(['submit_order', 'submit_order_2']);
    const diff = (await body(await platform.request('GET', `/agents/${agentId}/versions/${live}/diff`))).data;
    expect(JSON.stringify(diff)).toContain('submit_order');
    expect(JSON.stringify(diff)).not.toContain('kitchen-secret');
  });
});
