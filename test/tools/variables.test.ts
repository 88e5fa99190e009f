import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { body, createPlatform, type Platform } from '../helpers.ts';

let platform: Platform;
let agentId: string;
afterEach(() => platform.close());

async function post(path: string, payload: unknown): Promise<any> {
  const response = await platform.request('POST', path, { body: payload });
  expect(response.ok, `POST ${path}: ${response.status}`).toBe(true);
  return (await body(response)).data;
}

async function variables(): Promise<any[]> {
  const response = await platform.request('GET', `/agents/${agentId}/variables`);
  expect(response.status).toBe(200);
  return (await body(response)).data;
}

/** An agent with enabled and disabled skills and playbooks; the ids of what the list should name. */
async function agentWithFlows(): Promise<{ skillId: string; visitId: string; accountId: string }> {
  agentId = (await post('/agents', { name: 'Acme Plumbing' })).id;
  const skillId = (await post(`/agents/${agentId}/skills`, { name: 'Take a message', description: 'Take a message.', skillType: 'take_message' })).id;
  await post(`/agents/${agentId}/skills`, {
    name: 'Old lookup',
    description: 'Unused.',
    skillType: 'take_message',
    enabled: false,
    parametersSchema: { type: 'object', properties: { legacy_code: { type: 'string' } } },
  });
  const visit = await post(`/agents/${agentId}/playbooks`, {
    name: 'Book a repair visit',
    description: 'The caller wants a plumber.',
    inputSchema: { type: 'object', properties: { issue: { type: 'string' } } },
  });
  const graph = {
    start: 'greet',
    nodes: [
      { id: 'greet', type: 'say', text: 'Sorry about the {issue}.' },
      { id: 'ask_phone', type: 'collect', variable: 'phone', prompt: 'Your number?' },
      { id: 'urgency', type: 'branch' },
      { id: 'message', type: 'call_skill', skillId, inputs: { phone: '{phone}', message: 'Visit: {issue} ({issue})' }, saveAs: 'receipt' },
      { id: 'confirm', type: 'say', text: 'Reference {receipt.id}.' },
      { id: 'handoff', type: 'transfer' },
      { id: 'done', type: 'end' },
    ],
    edges: [
      { from: 'greet', to: 'ask_phone' },
      { from: 'ask_phone', to: 'urgency' },
      { from: 'urgency', to: 'handoff', condition: { variable: 'issue', op: 'contains', value: 'flood' } },
      { from: 'urgency', to: 'message' },
      { from: 'message', to: 'confirm' },
      { from: 'confirm', to: 'done' },
    ],
  };
  expect((await platform.request('PUT', `/agents/${agentId}/playbooks/${visit.id}/graph`, { body: graph })).status).toBe(200);
  const lead = await post(`/agents/${agentId}/playbooks`, {
    name: 'Qualify a lead',
    description: 'Prices.',
    enabled: false,
    inputSchema: { type: 'object', properties: { lead_source: { type: 'string' } } },
  });
  const leadGraph = {
    start: 'ask',
    nodes: [{ id: 'ask', type: 'collect', variable: 'budget', prompt: 'Budget?' }, { id: 'done', type: 'end' }],
    edges: [{ from: 'ask', to: 'done' }],
  };
  expect((await platform.request('PUT', `/agents/${agentId}/playbooks/${lead.id}/graph`, { body: leadGraph })).status).toBe(200);
  const account = await post(`/agents/${agentId}/playbooks`, {
    name: 'Account questions',
    description: 'Billing.',
    inputSchema: { type: 'object', properties: { account_id: { type: 'string' } } },
  });
  return { skillId, visitId: visit.id, accountId: account.id };
}

const plain = { note: null, typeHint: null, declared: false };

beforeEach(() => {
  platform = createPlatform();
});

describe('list_variables', () => {
  it('derives the variables of enabled playbooks and skills, sorted by name, each with where it is set or used', async () => {
    const { skillId, visitId, accountId } = await agentWithFlows();
    expect(await variables()).toEqual([
      { name: 'account_id', sources: [{ kind: 'playbook_input', playbookId: accountId }], ...plain },
      {
        name: 'issue',
        sources: [
          { kind: 'playbook_input', playbookId: visitId },
          { kind: 'referenced', playbookId: visitId, nodeId: 'greet' },
          { kind: 'referenced', playbookId: visitId, nodeId: 'message' },
          { kind: 'referenced', playbookId: visitId, nodeId: 'urgency' },
        ],
        ...plain,
      },
      { name: 'message', sources: [{ kind: 'skill_parameter', skillId }], ...plain },
      { name: 'name', sources: [{ kind: 'skill_parameter', skillId }], ...plain },
      {
        name: 'phone',
        sources: [
          { kind: 'collected', playbookId: visitId, nodeId: 'ask_phone' },
          { kind: 'referenced', playbookId: visitId, nodeId: 'message' },
          { kind: 'skill_parameter', skillId },
        ],
        ...plain,
      },
      {
        name: 'receipt',
        sources: [
          { kind: 'skill_output', playbookId: visitId, nodeId: 'message', skillId },
          { kind: 'referenced', playbookId: visitId, nodeId: 'confirm' },
        ],
        ...plain,
      },
    ]);
  });

  it('is empty for an agent with nothing that sets or uses variables', async () => {
    agentId = (await post('/agents', { name: 'Empty' })).id;
    expect(await variables()).toEqual([]);
  });
});

describe('annotate_variable', () => {
  it('annotates a derived name with 200, keeping where it comes from', async () => {
    const { visitId } = await agentWithFlows();
    const response = await platform.request('POST', `/agents/${agentId}/variables`, { body: { name: 'receipt', note: 'The message id.', typeHint: 'obx id' } });
    expect(response.status).toBe(200);
    const receipt = (await body(response)).data;
    expect(receipt).toMatchObject({ name: 'receipt', note: 'The message id.', typeHint: 'obx id', declared: true });
    expect(receipt.sources.map((source: any) => source.playbookId)).toEqual([visitId, visitId]);
    expect((await variables()).find((variable) => variable.name === 'receipt')).toEqual(receipt);
  });

  it('declares a name nothing derives, which then appears in the list with no sources', async () => {
    agentId = (await post('/agents', { name: 'Front desk' })).id;
    const response = await platform.request('POST', `/agents/${agentId}/variables`, { body: { name: 'preferred_time', typeHint: 'ISO date-time' } });
    expect(response.status).toBe(200);
    const declared = { name: 'preferred_time', sources: [], note: null, typeHint: 'ISO date-time', declared: true };
    expect((await body(response)).data).toEqual(declared);
    expect(await variables()).toEqual([declared]);
  });

  it('keeps the fields left out when a name is annotated again', async () => {
    agentId = (await post('/agents', { name: 'Front desk' })).id;
    await post(`/agents/${agentId}/variables`, { name: 'order_id', note: 'The shop order.', typeHint: 'text' });
    const again = await post(`/agents/${agentId}/variables`, { name: 'order_id', typeHint: null });
    expect(again).toMatchObject({ note: 'The shop order.', typeHint: null });
  });

  it('treats names as case-sensitive', async () => {
    await agentWithFlows();
    await post(`/agents/${agentId}/variables`, { name: 'Phone', note: 'Not the same as phone.' });
    const names = (await variables()).map((variable) => [variable.name, variable.declared]);
    expect(names).toEqual([['Phone', true], ['account_id', false], ['issue', false], ['message', false], ['name', false], ['phone', false], ['receipt', false]]);
  });

  it.each(['caller_info', 'caller_number', 'caller_name', 'verified', '2fast', 'order-id', 'a b', ''])(
    'answers 400 naming name for %j',
    async (name) => {
      agentId = (await post('/agents', { name: 'Front desk' })).id;
      const response = await platform.request('POST', `/agents/${agentId}/variables`, { body: { name, note: 'x' } });
      expect(response.status).toBe(400);
      const problem = await body(response);
      expect(problem.code).toBe('validation_error');
      expect(problem.errors.map((error: any) => error.field)).toEqual(['name']);
      expect(await variables()).toEqual([]);
    },
  );
});

describe('update_variable_annotation', () => {
  it('changes only the fields sent', async () => {
    agentId = (await post('/agents', { name: 'Front desk' })).id;
    await post(`/agents/${agentId}/variables`, { name: 'order_id', note: 'The shop order.', typeHint: 'text' });
    const response = await platform.request('PATCH', `/agents/${agentId}/variables/order_id`, { body: { typeHint: 'digits' } });
    expect(response.status).toBe(200);
    expect((await body(response)).data).toEqual({ name: 'order_id', sources: [], note: 'The shop order.', typeHint: 'digits', declared: true });
    const cleared = await platform.request('PATCH', `/agents/${agentId}/variables/order_id`, { body: { note: null } });
    expect((await body(cleared)).data).toMatchObject({ note: null, typeHint: 'digits' });
  });

  it('answers 404 for a name without an annotation, derived or not', async () => {
    await agentWithFlows();
    for (const name of ['phone', 'unknown', 'Order_id']) {
      const response = await platform.request('PATCH', `/agents/${agentId}/variables/${name}`, { body: { note: 'x' } });
      expect(response.status, name).toBe(404);
      expect((await body(response)).code).toBe('not_found');
    }
  });
});

describe('delete_variable_annotation', () => {
  it('removes only the annotation: a derived name stays, as derived', async () => {
    await agentWithFlows();
    await post(`/agents/${agentId}/variables`, { name: 'phone', note: 'Callback number.' });
    const response = await platform.request('DELETE', `/agents/${agentId}/variables/phone`);
    expect(response.status).toBe(200);
    expect((await body(response)).data).toEqual({ name: 'phone', deleted: true });
    expect((await variables()).find((variable) => variable.name === 'phone')).toMatchObject(plain);
  });

  it('drops a declared-only name from the list', async () => {
    agentId = (await post('/agents', { name: 'Front desk' })).id;
    await post(`/agents/${agentId}/variables`, { name: 'order_id' });
    await platform.request('DELETE', `/agents/${agentId}/variables/order_id`);
    expect(await variables()).toEqual([]);
  });

  it('does nothing, with 200 and deleted false, for a name without an annotation', async () => {
    await agentWithFlows();
    const before = await variables();
    for (const name of ['phone', 'never_seen']) {
      const response = await platform.request('DELETE', `/agents/${agentId}/variables/${name}`);
      expect(response.status).toBe(200);
      expect((await body(response)).data).toEqual({ name, deleted: false });
    }
    expect(await variables()).toEqual(before);
  });
});

describe('another org', () => {
  it("gets 404 for the variables of org A's agents, and changes nothing", async () => {
    await agentWithFlows();
    await post(`/agents/${agentId}/variables`, { name: 'phone', note: 'Callback number.' });
    const before = await variables();
    const token = platform.orgB.apiKey.secret;
    for (const [method, path, payload] of [
      ['GET', `/agents/${agentId}/variables`],
      ['POST', `/agents/${agentId}/variables`, { name: 'phone', note: 'Mine now.' }],
      ['PATCH', `/agents/${agentId}/variables/phone`, { note: 'Mine now.' }],
      ['DELETE', `/agents/${agentId}/variables/phone`],
    ] as [string, string, unknown?][]) {
      const response = await platform.request(method, path, { token, body: payload });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    expect(await variables()).toEqual(before);
  });
});
