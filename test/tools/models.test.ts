import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { body, createPlatform, type Platform } from '../helpers.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { openaiClientOf } from '../fixtures/openai-client.ts';

const opened = closeAfterEach();

/** A new agent of the key's org, published unless told otherwise; its id. */
async function agentOf(platform: Platform, name: string, options: { publish?: boolean; token?: string } = {}): Promise<string> {
  const created = await body(await platform.request('POST', '/agents', { body: { name, greeting: `Hi, ${name} here.` }, token: options.token }));
  const id = created.data.id as string;
  if (options.publish !== false) {
    const published = await platform.request('POST', `/agents/${id}/publish`, { body: {}, token: options.token });
    expect(published.status).toBe(201);
  }
  return id;
}

describe('list_models through the openai SDK', () => {
  it("lists the org's published agents as models, leaving out drafts, deleted agents and other orgs", async () => {
    const platform = opened(createPlatform());
    const frontDesk = await agentOf(platform, 'Front desk');
    const billing = await agentOf(platform, 'Billing');
    await agentOf(platform, 'Never published', { publish: false });
    const deleted = await agentOf(platform, 'Retired');
    expect((await platform.request('DELETE', `/agents/${deleted}`)).status).toBe(200);
    await agentOf(platform, 'Org B desk', { token: platform.orgB.apiKey.secret });

    const client = await openaiClientOf(platform.app, platform.orgA.apiKey.secret, opened);
    const page = await client.models.list();
    expect(page.data.map((model) => model.id)).toEqual([frontDesk, billing]);
    const created = Math.floor(Date.parse(platform.services.agents.find(platform.orgA.org.id, frontDesk)!.createdAt) / 1000);
    expect(page.data[0]).toEqual({ id: frontDesk, object: 'model', created, owned_by: platform.orgA.org.id });
    expect(page.hasNextPage()).toBe(false);
    const seen = [];
    for await (const model of client.models.list()) seen.push(model.id);
    expect(seen).toEqual([frontDesk, billing]);
  });

  it('answers an org without published agents with an empty list', async () => {
    const platform = opened(createPlatform());
    const client = await openaiClientOf(platform.app, platform.orgA.apiKey.secret, opened);
    const response = await client.models.list().asResponse();
    expect(await response.json()).toEqual({ object: 'list', data: [] });
  });

  it('needs chat:read: a key without it is a PermissionDeniedError', async () => {
    const platform = opened(createPlatform());
    const client = await openaiClientOf(platform.app, platform.keyWith(['agents:read']), opened);
    const error = await client.models.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(error).toMatchObject({ status: 403, code: 'insufficient_scope', type: 'permission_error' });
  });
});

describe('retrieve_model through the openai SDK', () => {
  it('returns one published agent as a model', async () => {
    const platform = opened(createPlatform());
    const id = await agentOf(platform, 'Front desk');
    const client = await openaiClientOf(platform.app, platform.orgA.apiKey.secret, opened);
    const model = await client.models.retrieve(id);
    expect(model).toMatchObject({ id, object: 'model', owned_by: platform.orgA.org.id });
    expect(Number.isInteger(model.created)).toBe(true);
  });

  it("answers 404 in OpenAI's error shape for an unknown, never-published, deleted or other org's id", async () => {
    const platform = opened(createPlatform());
    const draft = await agentOf(platform, 'Draft only', { publish: false });
    const deleted = await agentOf(platform, 'Retired');
    await platform.request('DELETE', `/agents/${deleted}`);
    const ofOrgB = await agentOf(platform, 'Org B desk', { token: platform.orgB.apiKey.secret });
    const client = await openaiClientOf(platform.app, platform.orgA.apiKey.secret, opened);
    for (const id of ['gpt-4o', draft, deleted, ofOrgB]) {
      const error = await client.models.retrieve(id).catch((caught: unknown) => caught);
      expect(error, id).toBeInstanceOf(OpenAI.NotFoundError);
      expect(error, id).toMatchObject({ status: 404, code: 'not_found', type: 'invalid_request_error', param: 'model' });
      expect((error as Error).message, id).toContain(`model ${id} does not exist`);
    }
  });

  it("answers a route OpenAI has and we don't (deleting a model) in OpenAI's error shape", async () => {
    const platform = opened(createPlatform());
    const id = await agentOf(platform, 'Front desk');
    const client = await openaiClientOf(platform.app, platform.orgA.apiKey.secret, opened);
    const error = await client.models.delete(id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'not_found' });
  });
});
