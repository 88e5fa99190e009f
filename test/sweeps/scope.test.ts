/**
 * Scopes for every tool: without its scope (or the `:write` sibling, which grants read) a key gets
 * 403 insufficient_scope on both faces; with exactly that scope it gets through. The keys are minted
 * the way users mint them (create_api_key from a dashboard session), so narrow keys are proven
 * narrow, and a key made directly in the store is refused the same way. Tools open to any caller
 * work for any credential; dashboard-only tools refuse every secret key.
 */
import type { Client } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import { TOOLS } from '../../src/tools/index.ts';
import type { Tool } from '../../src/tools/types.ts';
import { SECRET_KEY_SCOPES, type Scope } from '../../src/auth/scopes.ts';
import { connectMcp, createPlatform, type Platform } from '../helpers.ts';
import { PLACEHOLDER_SEED, answeredAsExpected, calledWithSecretKeys, fixtureFor, reportMissingFixtures, seedOrg } from '../fixtures/tool-inputs.ts';
import { callMcp, callRest, describeOutcome, type Outcome } from '../fixtures/faces.ts';

let platform: Platform | undefined;
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  platform?.close();
  platform = undefined;
});

async function mcpAs(platform: Platform, token: string): Promise<Client> {
  const client = await connectMcp(platform, { token });
  clients.push(client);
  return client;
}

/** A key of org A holding exactly `scopes`, minted through create_api_key with org A's dashboard session. */
async function mintKey(platform: Platform, scopes: Scope[]): Promise<string> {
  const response = await platform.request('POST', '/api-keys', { token: platform.orgA.session.token, body: { name: 'Sweep key', scopes } });
  const json = (await response.json()) as { data: { secret: string } };
  if (response.status !== 201) throw new Error(`minting a key failed: ${response.status} ${JSON.stringify(json)}`);
  return json.data.secret;
}

/** The scope itself and the `:write` scope that also grants it. */
function grantingScopes(scope: Scope): Scope[] {
  return [...new Set([scope, scope.replace(/:read$/, ':write') as Scope])];
}

function expectInsufficientScope(outcome: Outcome, face: string): void {
  expect(outcome.ok, `${face}: ${describeOutcome(outcome)}`).toBe(false);
  expect(outcome.status).toBe(403);
  expect(outcome.problem?.code).toBe('insufficient_scope');
}

function expectAllowed(tool: Tool, outcome: Outcome, face: string): void {
  expect(answeredAsExpected(tool, outcome), `${face}: ${describeOutcome(outcome)}`).toBe(true);
}

reportMissingFixtures(TOOLS);
const scoped = TOOLS.filter((tool) => tool.scope && calledWithSecretKeys(tool)).map((tool) => [tool.name, tool.scope, tool] as const);

describe.each(scoped)('%s (needs %s)', (_name, scope, tool: Tool) => {
  it('returns 403 insufficient_scope to a key holding every other scope', async () => {
    platform = createPlatform();
    const seed = await seedOrg(platform);
    const withheld = grantingScopes(scope!);
    const others = SECRET_KEY_SCOPES.filter((granted) => !withheld.includes(granted));
    const token = await mintKey(platform, others);
    const input = fixtureFor(tool).input(seed);
    expectInsufficientScope(await callRest(platform, tool, input, token), 'REST');
    expectInsufficientScope(await callMcp(await mcpAs(platform, token), tool, input, { confirm: false }), 'MCP');
    expectInsufficientScope(await callRest(platform, tool, input, platform.keyWith(others)), 'REST, key made in the store');
  });

  it.each(grantingScopes(scope!))('works for a key holding only %s', async (only) => {
    platform = createPlatform();
    const token = await mintKey(platform, [only]);
    const fixture = fixtureFor(tool);
    // Separate seeds: the REST call may change what the MCP call would act on.
    const restSeed = await seedOrg(platform);
    const mcpSeed = await seedOrg(platform);
    expectAllowed(tool, await callRest(platform, tool, fixture.input(restSeed), token), 'REST');
    expectAllowed(tool, await callMcp(await mcpAs(platform, token), tool, fixture.input(mcpSeed)), 'MCP');
  });
});

const openToAll = TOOLS.filter((tool) => tool.auth === 'any').map((tool) => [tool.name, tool] as const);

describe.each(openToAll)('%s (any caller)', (_name, tool: Tool) => {
  it('works for a secret key with no scopes at all', async () => {
    platform = createPlatform();
    const token = platform.keyWith([]);
    const input = fixtureFor(tool).input(await seedOrg(platform));
    expectAllowed(tool, await callRest(platform, tool, input, token), 'REST');
    expectAllowed(tool, await callMcp(await mcpAs(platform, token), tool, input), 'MCP');
  });

  it('works for a dashboard session', async () => {
    platform = createPlatform();
    const token = platform.orgA.session.token;
    const input = fixtureFor(tool).input(await seedOrg(platform));
    expectAllowed(tool, await callRest(platform, tool, input, token), 'REST');
    expectAllowed(tool, await callMcp(await mcpAs(platform, token), tool, input), 'MCP');
  });
});

const sessionOnly = TOOLS.filter((tool) => tool.auth === 'session').map((tool) => [tool.name, tool] as const);

describe.each(sessionOnly)('%s (dashboard session only)', (_name, tool: Tool) => {
  it('returns 403 dashboard_session_required over REST to a secret key holding every scope, which MCP does not list it to', async () => {
    platform = createPlatform();
    // Refused before the input is looked at, so ids that exist nowhere do.
    const input = fixtureFor(tool).input(PLACEHOLDER_SEED);
    const outcome = await callRest(platform, tool, input);
    expect(outcome.ok, describeOutcome(outcome)).toBe(false);
    expect(outcome.status).toBe(403);
    expect(outcome.problem?.code).toBe('dashboard_session_required');
    const client = await mcpAs(platform, platform.orgA.apiKey.secret);
    expect((await client.listTools()).tools.map((listed) => listed.name)).not.toContain(tool.name);
    await expect(client.callTool({ name: tool.name, arguments: input })).rejects.toMatchObject({ code: -32602 });
  });
});
