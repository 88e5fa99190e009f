/**
 * Bad input for every tool, generated from its JSON Schema: always a 400 validation_error whose
 * errors[] names the bad field (never a 500), on REST and MCP alike. Plus the body-level failures:
 * malformed JSON, a body that is not an object, and a body over the size limit.
 */
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOLS } from '../../src/tools/index.ts';
import type { Tool } from '../../src/tools/types.ts';
import { body, connectMcp, createPlatform, type Platform } from '../helpers.ts';
import { PLACEHOLDER_SEED, calledWithSecretKeys, fixtureFor, hasFixture, reportMissingFixtures, seedOrg, type Seed } from '../fixtures/tool-inputs.ts';
import { callMcp, callRest, describeOutcome, readsQuery, restRequestOf, type Outcome } from '../fixtures/faces.ts';
import { badInputsFor, hasFieldsBeyondPath } from '../fixtures/bad-inputs.ts';

// Validation fails before any tool runs, so one platform and one seed serve every case.
let platform: Platform;
let client: Client;
let seed: Seed;
beforeAll(async () => {
  platform = createPlatform();
  seed = await seedOrg(platform);
  client = await connectMcp(platform);
});
afterAll(async () => {
  await client.close();
  platform.close();
});

function expectValidationError(outcome: Outcome, field: string, face: string): void {
  expect(outcome.ok, `${face}: ${describeOutcome(outcome)}`).toBe(false);
  expect(outcome.status, `${face}: ${describeOutcome(outcome)}`).toBe(400);
  expect(outcome.problem?.code).toBe('validation_error');
  const fields = (outcome.problem?.errors ?? []).map((error) => error.field);
  expect(fields.length, `${face}: errors[] is empty`).toBeGreaterThan(0);
  expect(
    fields.some((named) => named === field || named.startsWith(`${field}.`)),
    `${face}: errors[] should name "${field}", got ${JSON.stringify(fields)}`,
  ).toBe(true);
}

reportMissingFixtures(TOOLS);
const withFields = TOOLS.filter((tool) => hasFixture(tool) && calledWithSecretKeys(tool) && hasFieldsBeyondPath(tool)).map((tool) => [tool.name, tool] as const);

describe.each(withFields)('%s', (_name, tool: Tool) => {
  const placeholderSeed = PLACEHOLDER_SEED;
  const labels = badInputsFor(tool, fixtureFor(tool).input(placeholderSeed)).map((bad) => bad.label);

  it.each(labels)('returns 400 validation_error naming the field for %s', async (label) => {
    const bad = badInputsFor(tool, fixtureFor(tool).input(seed)).find((candidate) => candidate.label === label)!;
    if (bad.onRest) expectValidationError(await callRest(platform, tool, bad.input), bad.field, 'REST');
    expectValidationError(await callMcp(client, tool, bad.input, { confirm: false }), bad.field, 'MCP');
  });
});

const withBody = TOOLS.filter((tool) => hasFixture(tool) && calledWithSecretKeys(tool) && !readsQuery(tool)).map((tool) => [tool.name, tool] as const);

describe.each(withBody)('%s (JSON body)', (_name, tool: Tool) => {
  const pathOf = () => restRequestOf(tool, fixtureFor(tool).input(seed)).path;

  it('returns 400 invalid_json for a malformed body', async () => {
    const response = await platform.request(tool.http.method, pathOf(), { body: '{"name": "Unfinished' });
    expect(response.status).toBe(400);
    // OpenAI-wire routes send their problems as plain JSON (OpenAI clients read no other type).
    expect(response.headers.get('content-type')).toMatch(tool.http.wire === 'openai' ? /application\/json/ : /application\/problem\+json/);
    expect((await body(response)).code).toBe('invalid_json');
  });

  it('returns 400 validation_error for a JSON body that is not an object', async () => {
    const response = await platform.request(tool.http.method, pathOf(), { body: '[1, 2, 3]' });
    expect(response.status).toBe(400);
    const problem = await body(response);
    expect(problem.code).toBe('validation_error');
    expect(problem.errors.length).toBeGreaterThan(0);
  });

  // Routes that take large bodies (uploads) set their own limit, and call its breach file_too_large.
  const limit = tool.http.maxBodyBytes ?? 1000;
  const code = tool.http.multipart ? 'file_too_large' : 'payload_too_large';
  it(`returns 413 ${code} for a body over the route's limit (${limit} bytes)`, async () => {
    const small = createPlatform({ maxBodyBytes: 1000 });
    try {
      const smallSeed = await seedOrg(small);
      const request = restRequestOf(tool, fixtureFor(tool).input(smallSeed));
      const response = await small.request(request.method, request.path, {
        body: { ...request.body, padding: 'x'.repeat(limit + 1000) },
        headers: request.headers,
      });
      expect(response.status).toBe(413);
      expect((await body(response)).code).toBe(code);
    } finally {
      small.close();
    }
  });
});

describe('/mcp', () => {
  it('returns 413 payload_too_large for a JSON-RPC body over the largest limit of any tool', async () => {
    const small = createPlatform({ maxBodyBytes: 1000 });
    const limit = Math.max(1000, ...TOOLS.map((candidate) => candidate.http.maxBodyBytes ?? 0));
    try {
      const response = await small.app.request('/mcp', {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${small.orgA.apiKey.secret}`,
          'Content-Type': 'application/json',
          Accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'create_agent', arguments: { name: 'Big', description: 'x'.repeat(limit + 1000) } },
        }),
      });
      expect(response.status).toBe(413);
      expect((await body(response)).code).toBe('payload_too_large');
    } finally {
      small.close();
    }
  });
});
