import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { body } from '../helpers.ts';
import { createKnowledgePlatform, type KnowledgePlatform } from '../knowledge-helpers.ts';

let platform: KnowledgePlatform;
beforeEach(async () => {
  platform = await createKnowledgePlatform();
});
afterEach(() => platform.close());

async function unpublished(): Promise<{ get: boolean; list: boolean }> {
  const agent = (await body(await platform.request('GET', `/agents/${platform.agentId}`))).data;
  const listed = (await body(await platform.request('GET', '/agents'))).data.find((row: { id: string }) => row.id === platform.agentId);
  return { get: agent.hasUnpublishedChanges, list: listed.hasUnpublishedChanges };
}

async function publish(): Promise<string> {
  const response = await platform.request('POST', `/agents/${platform.agentId}/publish`, { body: {} });
  expect(response.status).toBe(201);
  return (await body(response)).data.id;
}

async function diffAgainst(versionId: string): Promise<string[]> {
  const diff = (await body(await platform.request('GET', `/agents/${platform.agentId}/versions/${versionId}/diff`))).data;
  return diff.map((change: { field: string }) => change.field);
}

describe('hasUnpublishedChanges', () => {
  it('is false right after publishing, in the agent and in the list', async () => {
    expect(await unpublished()).toEqual({ get: true, list: true });
    await publish();
    expect(await unpublished()).toEqual({ get: false, list: false });
  });

  it('turns true when knowledge is added after publishing, and false once that is published', async () => {
    const first = await publish();
    await platform.addSource({ kind: 'text', label: 'Hours', text: 'We are open from 9am to 5pm, Monday to Friday.' });
    await platform.drain();
    expect(await diffAgainst(first)).toContain('knowledge.sources');
    expect(await unpublished()).toEqual({ get: true, list: true });
    const second = await publish();
    expect(await diffAgainst(second)).toEqual([]);
    expect(await unpublished()).toEqual({ get: false, list: false });
  });

  it('turns true when a skill is added after publishing, and false once that is published', async () => {
    await publish();
    const response = await platform.request('POST', `/agents/${platform.agentId}/skills`, {
      body: { name: 'Take a message', description: 'Leave a message for the team.', skillType: 'take_message', executionConfig: {} },
    });
    expect(response.status).toBe(201);
    expect(await unpublished()).toEqual({ get: true, list: true });
    await publish();
    expect(await unpublished()).toEqual({ get: false, list: false });
  });

  it('counts a changed skill secret, which the diff masks', async () => {
    const created = await platform.request('POST', `/agents/${platform.agentId}/skills`, {
      body: {
        name: 'Check order',
        description: 'Look up an order.',
        skillType: 'http_webhook',
        executionConfig: { url: 'https://shop.example/api/status', headers: { Authorization: 'Bearer one' } },
      },
    });
    const skill = (await body(created)).data;
    await publish();
    await platform.request('PATCH', `/agents/${platform.agentId}/skills/${skill.id}`, {
      body: { executionConfig: { ...skill.executionConfig, headers: { Authorization: 'Bearer two' } } },
    });
    expect(await unpublished()).toEqual({ get: true, list: true });
  });
});
