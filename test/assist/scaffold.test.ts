/** Scaffolding a draft agent from a description, a website and a procedure, through the registry's own tools. */
import { describe, expect, it } from 'vitest';
import { body } from '../helpers.ts';
import { createKnowledgePlatform, startWebServer } from '../knowledge-helpers.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { parseSse } from '../fixtures/sse.ts';

const opened = closeAfterEach();

describe('POST /agents/scaffold', () => {
  it('builds a draft agent with knowledge from the site and a playbook from the procedure, streaming each step, never publishing', async () => {
    const platform = opened(await createKnowledgePlatform());
    const site = opened(await startWebServer());
    site.serve('/', { body: '<html><head><title>Acme Plumbing</title></head><body><main><h1>Acme Plumbing</h1><p>We fix leaks and boilers in Springfield, Monday to Friday 8am to 6pm. A call-out costs 95 dollars.</p></main></body></html>' });
    const response = await platform.request('POST', '/agents/scaffold', {
      body: {
        description: 'The front desk for Acme Plumbing: answer questions, take a message when nobody can help, and transfer emergencies to a person.',
        url: `${site.url}/`,
        procedure: "1. Greet the caller.\n2. Ask for the caller's phone number.\n3. Ask for the address.\n4. Tell them a plumber will call back within the hour.",
      },
    });
    expect(response.status).toBe(200);
    const frames = parseSse(await response.text());
    expect(frames.map((frame) => frame.event)).toEqual(['step', 'step', 'step', 'done']);
    const result = frames.at(-1)!.data;
    expect(result.agent).toMatchObject({ name: 'Acme Plumbing', greeting: 'Hi, thanks for contacting Acme Plumbing. How can I help?', publishedVersionId: null });
    expect(result.suggestedSkills.map((skill: any) => skill.skillType)).toEqual(['transfer', 'take_message']);

    const agentId = result.agent.id;
    expect(await platform.drain()).toBe(1);
    const source = await platform.getSource(result.knowledgeSourceId, { agentId });
    expect(source.status).toBe('indexed');
    const graph = (await body(await platform.request('GET', `/agents/${agentId}/playbooks/${result.playbookId}/graph`))).data;
    expect(graph.nodes.map((node: any) => [node.type, node.variable ?? node.text ?? node.outcome])).toEqual([
      ['say', 'Greet the caller.'],
      ['collect', 'phone_number'],
      ['collect', 'address'],
      ['say', 'Tell them a plumber will call back within the hour.'],
      ['end', 'completed'],
    ]);
    platform.services.audit.flush();
    const calls = platform.services.db.prepare("SELECT endpoint FROM audit_logs WHERE via = 'copilot' ORDER BY id").pluck().all();
    expect(calls).toEqual(['create_agent', 'add_knowledge_source', 'create_playbook', 'replace_playbook_graph', 'get_agent']);
  });

  it('needs something to build from and an http(s) site, and creates nothing otherwise', async () => {
    const platform = opened(await createKnowledgePlatform());
    const empty = await platform.request('POST', '/agents/scaffold', { body: { name: 'Nothing' } });
    expect(empty.status).toBe(400);
    expect((await body(empty)).errors).toEqual([{ field: 'description', message: 'or url or procedure is required' }]);
    const ftp = await platform.request('POST', '/agents/scaffold', { body: { url: 'ftp://files.example.com/' } });
    expect(ftp.status).toBe(400);
    expect((await body(ftp)).errors[0].field).toBe('url');
    // Only the platform's own "Knowing agent" exists.
    expect((await body(await platform.request('GET', '/agents'))).data).toHaveLength(1);
  });
});

describe('scaffolding with a narrow key', () => {
  it('refuses up front, making nothing, when the key may not add what the request asks for', async () => {
    const platform = opened(await createKnowledgePlatform());
    const key = platform.keyWith(['agents:write']);
    const response = await platform.request('POST', '/agents/scaffold', { body: { description: 'Front desk for Acme', procedure: '1. Ask for the phone.' }, token: key });
    expect(response.status).toBe(403);
    expect(await body(response)).toMatchObject({ code: 'insufficient_scope', requiredScope: 'playbooks:write' });
    expect((await body(await platform.request('GET', '/agents'))).data).toHaveLength(1);
  });
});
