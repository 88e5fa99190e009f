import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { body, createPlatform, type Platform } from '../helpers.ts';

let platform: Platform;
let agentId: string;
let skillId: string;
beforeEach(async () => {
  platform = createPlatform();
  agentId = (await body(await platform.request('POST', '/agents', { body: { name: 'Acme Plumbing' } }))).data.id;
  const skill = { name: 'Book a visit', description: 'Book a plumber visit.', skillType: 'take_message' };
  skillId = (await body(await platform.request('POST', `/agents/${agentId}/skills`, { body: skill }))).data.id;
});
afterEach(() => platform.close());

const repairVisit = {
  name: 'Book a repair visit',
  description: 'The caller wants a plumber to come out.',
  inputSchema: { type: 'object', properties: { issue: { type: 'string', description: 'What is wrong.' } } },
};

async function createPlaybook(fields: Record<string, unknown> = repairVisit): Promise<any> {
  const response = await platform.request('POST', `/agents/${agentId}/playbooks`, { body: fields });
  expect(response.status).toBe(201);
  return (await body(response)).data;
}

/** Ask for a phone number, take a message with the skill (unless it is urgent), end. */
function visitGraph(): any {
  return {
    start: 'greet',
    nodes: [
      { id: 'greet', type: 'say', text: 'Sorry to hear about the {issue}.' },
      { id: 'ask_phone', type: 'collect', variable: 'phone', prompt: 'What number can we reach you on?', validation: { type: 'phone' } },
      { id: 'urgency', type: 'branch' },
      { id: 'message', type: 'call_skill', skillId, inputs: { phone: '{phone}', message: 'Visit for: {issue}' }, saveAs: 'receipt' },
      { id: 'confirm', type: 'say', text: 'Done, reference {receipt.id}.' },
      { id: 'handoff', type: 'transfer', destination: '+14155550100' },
      { id: 'done', type: 'end', outcome: 'booked' },
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
}

async function putGraph(playbookId: string, graph: unknown): Promise<Response> {
  return platform.request('PUT', `/agents/${agentId}/playbooks/${playbookId}/graph`, { body: graph });
}

describe('create_playbook', () => {
  it('creates an enabled playbook without steps', async () => {
    const playbook = await createPlaybook();
    expect(playbook).toMatchObject({ ...repairVisit, agentId, outputSchema: null, enabled: true, steps: 0 });
    expect(playbook.id).toMatch(/^pbk_/);
    expect((await body(await platform.request('GET', `/agents/${agentId}/playbooks/${playbook.id}`))).data).toEqual(playbook);
    const graph = (await body(await platform.request('GET', `/agents/${agentId}/playbooks/${playbook.id}/graph`))).data;
    expect(graph).toEqual({ playbookId: playbook.id, start: null, nodes: [], edges: [], updatedAt: playbook.updatedAt });
  });

  it.each([
    [{ inputSchema: { type: 'string' } }, 'inputSchema'],
    [{ outputSchema: { type: 'object', properties: { a: { type: 'strnig' } } } }, 'outputSchema'],
    [{ inputSchema: { type: 'object', properties: { 'order-id': { type: 'string' } } } }, 'inputSchema.properties.order-id'],
    [{ inputSchema: { type: 'object', properties: { verified: { type: 'boolean' } } } }, 'inputSchema.properties.verified'],
    [{ name: '' }, 'name'],
  ])('answers 400 naming the field for %j', async (change, field) => {
    const response = await platform.request('POST', `/agents/${agentId}/playbooks`, { body: { ...repairVisit, ...change } });
    expect(response.status).toBe(400);
    expect((await body(response)).errors.map((error: any) => error.field)).toEqual([field]);
  });
});

describe('list_playbooks', () => {
  it('pages through the playbooks newest first', async () => {
    const created = [];
    for (const name of ['First', 'Second', 'Third']) created.push(await createPlaybook({ name, description: `${name} flow.` }));
    const first = await body(await platform.request('GET', `/agents/${agentId}/playbooks?limit=2`));
    expect(first.data.map((playbook: any) => playbook.name)).toEqual(['Third', 'Second']);
    expect(first.hasMore).toBe(true);
    const second = await body(await platform.request('GET', `/agents/${agentId}/playbooks?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`));
    expect(second.data).toEqual([created[0]]);
    expect(second).toMatchObject({ hasMore: false, nextCursor: null });
  });
});

describe('update_playbook', () => {
  it('changes only the fields sent, and null clears a schema', async () => {
    const playbook = await createPlaybook();
    const response = await platform.request('PATCH', `/agents/${agentId}/playbooks/${playbook.id}`, { body: { enabled: false, inputSchema: null } });
    expect(response.status).toBe(200);
    expect((await body(response)).data).toMatchObject({ name: repairVisit.name, description: repairVisit.description, inputSchema: null, enabled: false });
  });

  it('checks a new schema as on create', async () => {
    const playbook = await createPlaybook();
    const response = await platform.request('PATCH', `/agents/${agentId}/playbooks/${playbook.id}`, { body: { outputSchema: { type: 'array' } } });
    expect(response.status).toBe(400);
    expect((await body(response)).errors.map((error: any) => error.field)).toEqual(['outputSchema']);
  });
});

describe('delete_playbook', () => {
  it('removes the playbook and its steps', async () => {
    const playbook = await createPlaybook();
    expect((await putGraph(playbook.id, visitGraph())).status).toBe(200);
    const response = await platform.request('DELETE', `/agents/${agentId}/playbooks/${playbook.id}`);
    expect((await body(response)).data).toEqual({ id: playbook.id, deleted: true });
    expect((await platform.request('GET', `/agents/${agentId}/playbooks/${playbook.id}/graph`)).status).toBe(404);
    expect((await platform.request('DELETE', `/agents/${agentId}/playbooks/${playbook.id}`)).status).toBe(404);
    expect(platform.services.playbooks.all(platform.orgA.org.id, agentId)).toEqual([]);
  });
});

describe('replace_playbook_graph', () => {
  it('saves a valid graph, which reads back as it was sent', async () => {
    const playbook = await createPlaybook();
    const response = await putGraph(playbook.id, visitGraph());
    expect(response.status).toBe(200);
    const saved = (await body(response)).data;
    expect(saved).toMatchObject({ playbookId: playbook.id, ...visitGraph() });
    expect((await body(await platform.request('GET', `/agents/${agentId}/playbooks/${playbook.id}/graph`))).data).toEqual(saved);
    expect((await body(await platform.request('GET', `/agents/${agentId}/playbooks/${playbook.id}`))).data.steps).toBe(7);
    const [stored] = platform.services.playbooks.all(platform.orgA.org.id, agentId);
    expect(stored.graph).toEqual(visitGraph());
  });

  // Each rule, broken alone in the valid graph, with the field the error names.
  const cases: [string, (graph: any) => void, string][] = [
    ['a repeated step id', (graph) => graph.nodes.push({ id: 'done', type: 'end' }), 'nodes.7.id'],
    ['a start that is not a step', (graph) => (graph.start = 'hello'), 'start'],
    ['an edge to a step that does not exist', (graph) => graph.edges.push({ from: 'urgency', to: 'finish', condition: { variable: 'issue', op: 'exists' } }), 'edges.6.to'],
    ['an edge from a step that does not exist', (graph) => graph.edges.push({ from: 'nowhere', to: 'done' }), 'edges.6.from'],
    ['a step not reachable from start', (graph) => graph.nodes.push({ id: 'bye', type: 'end' }), 'nodes.7'],
    ['no reachable end', (graph) => ((graph.nodes[6] = { id: 'done', type: 'transfer' })), 'nodes'],
    ['a skill that is not the agent\'s', (graph) => (graph.nodes[3].skillId = 'skl_01jabcdefghjkmnpqrstvwxyz0'), 'nodes.3.skillId'],
    ['an input that is not a parameter of the skill', (graph) => (graph.nodes[3].inputs.email = 'x@example.com'), 'nodes.3.inputs.email'],
    ['a placeholder set later', (graph) => (graph.nodes[0].text = 'Calling back on {phone}.'), 'nodes.0.text'],
    ['a placeholder nothing sets', (graph) => (graph.nodes[3].inputs.name = '{name}'), 'nodes.3.inputs.name'],
    ['a condition on a variable nothing sets', (graph) => (graph.edges[2].condition.variable = 'flooding'), 'edges.2.condition.variable'],
    // (The steps that used the variable now use a literal, so that only the reserved name is wrong.)
    ['a collected reserved caller variable', (graph) => ((graph.nodes[1].variable = 'verified'), (graph.nodes[3].inputs.phone = '+14155550100')), 'nodes.1.variable'],
    ['a skill result saved as a reserved caller variable', (graph) => ((graph.nodes[3].saveAs = 'caller_name'), (graph.nodes[4].text = 'Done.')), 'nodes.3.saveAs'],
    ['a branch without an otherwise edge', (graph) => (graph.edges[3].condition = { variable: 'phone', op: 'exists' }), 'nodes.2'],
    ['a branch with two otherwise edges', (graph) => delete graph.edges[2].condition, 'edges.3.condition'],
    ['a condition on an edge that does not leave a branch', (graph) => (graph.edges[0].condition = { variable: 'issue', op: 'exists' }), 'edges.0.condition'],
    [
      'a step without a next step',
      (graph) => {
        graph.nodes.push({ id: 'sorry', type: 'say', text: 'Sorry, we are closed.' });
        graph.edges.push({ from: 'urgency', to: 'sorry', condition: { variable: 'issue', op: 'equals', value: 'closed' } });
      },
      'nodes.7',
    ],
    ['a step with two next steps', (graph) => graph.edges.push({ from: 'confirm', to: 'handoff' }), 'edges.6.from'],
    ['an edge out of an end step', (graph) => graph.edges.push({ from: 'done', to: 'greet' }), 'edges.6.from'],
    ['a comparison without a value', (graph) => delete graph.edges[2].condition.value, 'edges.2.condition.value'],
    ['gt with a text value', (graph) => (graph.edges[2].condition = { variable: 'issue', op: 'gt', value: 'ten' }), 'edges.2.condition.value'],
    ['an enum check without values', (graph) => (graph.nodes[1].validation = { type: 'enum' }), 'nodes.1.validation.values'],
    ['a pattern that is not a regular expression', (graph) => (graph.nodes[1].validation.pattern = '(unclosed'), 'nodes.1.validation.pattern'],
    ['an unknown step type', (graph) => (graph.nodes[0].type = 'wait'), 'nodes.0.type'],
    ['a misspelt step field', (graph) => (graph.nodes[3].save_as = 'receipt'), 'nodes.3'],
    ['a bad variable name', (graph) => (graph.nodes[1].variable = 'phone-number'), 'nodes.1.variable'],
  ];

  it.each(cases)('answers 400 naming the field for %s, and keeps the saved graph', async (_label, breakGraph, field) => {
    const playbook = await createPlaybook();
    expect((await putGraph(playbook.id, visitGraph())).status).toBe(200);
    const graph = visitGraph();
    breakGraph(graph);
    const response = await putGraph(playbook.id, graph);
    expect(response.status).toBe(400);
    const problem = await body(response);
    expect(problem.code).toBe('validation_error');
    expect(problem.errors.map((error: any) => error.field)).toEqual([field]);
    const saved = (await body(await platform.request('GET', `/agents/${agentId}/playbooks/${playbook.id}/graph`))).data;
    expect(saved).toMatchObject(visitGraph());
  });

  it('lists every problem of a graph at once', async () => {
    const playbook = await createPlaybook();
    const graph = visitGraph();
    graph.nodes[3].skillId = 'skl_01jabcdefghjkmnpqrstvwxyz0';
    graph.nodes[0].text = 'Calling back on {phone}.';
    graph.edges[5].to = 'finish';
    const problem = await body(await putGraph(playbook.id, graph));
    expect(problem.errors).toEqual([
      { field: 'nodes.3.skillId', message: 'is not a skill of this agent' },
      { field: 'edges.5.to', message: 'is not the id of a step' },
      { field: 'nodes.4', message: 'has no next step: add an edge from it (only end and transfer steps finish a playbook)' },
      { field: 'nodes.6', message: 'is not reachable from start' },
      { field: 'nodes', message: 'no end step is reachable from start' },
      {
        field: 'nodes.0.text',
        message: 'uses {phone}, which is not set on every path to this step (collect it earlier, save a skill result as it, or declare it in inputSchema)',
      },
    ]);
  });

  it('refuses a skill of another agent of the same org', async () => {
    const otherAgent = (await body(await platform.request('POST', '/agents', { body: { name: 'Other' } }))).data.id;
    const otherSkill = (await body(await platform.request('POST', `/agents/${otherAgent}/skills`, {
      body: { name: 'Other message', description: 'Take a message.', skillType: 'take_message' },
    }))).data.id;
    const playbook = await createPlaybook();
    const graph = visitGraph();
    graph.nodes[3].skillId = otherSkill;
    expect((await body(await putGraph(playbook.id, graph))).errors.map((error: any) => error.field)).toEqual(['nodes.3.skillId']);
  });
});

describe('another org', () => {
  it("gets 404 for the playbooks of org A's agents", async () => {
    const playbook = await createPlaybook();
    const orgB = platform.orgB.apiKey.secret;
    const theirAgent = (await body(await platform.request('POST', '/agents', { token: orgB, body: { name: 'B' } }))).data.id;
    for (const [method, path, payload] of [
      ['GET', `/agents/${agentId}/playbooks`],
      ['POST', `/agents/${agentId}/playbooks`, repairVisit],
      ['GET', `/agents/${agentId}/playbooks/${playbook.id}`],
      ['GET', `/agents/${theirAgent}/playbooks/${playbook.id}`],
      ['PATCH', `/agents/${theirAgent}/playbooks/${playbook.id}`, { enabled: false }],
      ['DELETE', `/agents/${theirAgent}/playbooks/${playbook.id}`],
      ['GET', `/agents/${theirAgent}/playbooks/${playbook.id}/graph`],
      ['PUT', `/agents/${theirAgent}/playbooks/${playbook.id}/graph`, visitGraph()],
    ] as [string, string, unknown?][]) {
      const response = await platform.request(method, path, { token: orgB, body: payload });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    expect((await body(await platform.request('GET', `/agents/${agentId}/playbooks/${playbook.id}`))).data).toEqual(playbook);
  });
});
