/**
 * Tenant isolation for every tool that takes an org-owned id: org B's key, given org A's ids,
 * gets 404 not_found on both faces (never a 403, never a leak), and org A is left exactly as it was.
 * A page cursor is bound to its org too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TOOLS } from '../../src/tools/index.ts';
import type { Tool } from '../../src/tools/types.ts';
import { connectMcp, createPlatform, type Platform } from '../helpers.ts';
import { answeredAsExpected, calledWithSecretKeys, fixtureFor, hasFixture, reportMissingFixtures, seedOrg, takesOwnedIds, type Seed } from '../fixtures/tool-inputs.ts';
import { callMcp, callRest, describeOutcome } from '../fixtures/faces.ts';
import { pictureOfOrg } from '../fixtures/picture.ts';

let platform: Platform | undefined;
afterEach(() => {
  platform?.close();
  platform = undefined;
});

/** Org B's valid input for the tool, with the named id fields taken from org A's seed instead. */
function withIdsOfA(tool: Tool, seedA: Seed, seedB: Seed, fields: string[]): Record<string, unknown> {
  const fixture = fixtureFor(tool);
  const ofA = fixture.input(seedA);
  return { ...fixture.input(seedB), ...Object.fromEntries(fields.map((field) => [field, ofA[field]])) };
}

/** Which id fields to swap: all of them at once, and each one alone when there are several. */
function swaps(tool: Tool): [string, string[]][] {
  const { ownedIds } = fixtureFor(tool);
  const all: [string, string[]] = [`every id (${ownedIds.join(', ')}) from org A`, ownedIds];
  if (ownedIds.length < 2) return [all];
  return [all, ...ownedIds.map((field): [string, string[]] => [`only ${field} from org A`, [field]])];
}

reportMissingFixtures(TOOLS);
const tools = TOOLS.filter(hasFixture).filter(calledWithSecretKeys).filter(takesOwnedIds).map((tool) => [tool.name, tool] as const);

describe.each(tools)('%s', (_name, tool: Tool) => {
  it.each(swaps(tool))("returns 404 not_found to org B's key given %s, and leaves org A unchanged", async (_label, fields) => {
    platform = createPlatform();
    const seedA = await seedOrg(platform);
    const seedB = await seedOrg(platform, platform.orgB.apiKey.secret);
    const before = await pictureOfOrg(platform, seedA);
    const input = withIdsOfA(tool, seedA, seedB, fields);

    const rest = await callRest(platform, tool, input, platform.orgB.apiKey.secret);
    expect(rest.ok, `REST as org B: ${describeOutcome(rest)}`).toBe(false);
    expect(rest.status).toBe(404);
    expect(rest.problem?.code).toBe('not_found');

    const client = await connectMcp(platform, { token: platform.orgB.apiKey.secret });
    const mcp = await callMcp(client, tool, input);
    await client.close();
    expect(mcp.ok, `MCP as org B: ${describeOutcome(mcp)}`).toBe(false);
    expect(mcp.problem?.code).toBe('not_found');
    expect(mcp.status).toBe(404);

    expect(await pictureOfOrg(platform, seedA)).toEqual(before);
    const auditOfA = platform.services.audit.list(platform.orgA.org.id, { actorId: platform.orgB.apiKey.id }, { limit: 10 });
    expect(auditOfA.items, "org B's calls must not appear in org A's audit log").toEqual([]);

    // Control: the same call on org B's own ids works, so the 404 above came from the foreign ids.
    const own = await callRest(platform, tool, fixtureFor(tool).input(seedB), platform.orgB.apiKey.secret);
    expect(answeredAsExpected(tool, own), `REST as org B on its own ids: ${describeOutcome(own)}`).toBe(true);
  });
});

const paginated = TOOLS.filter((tool) => hasFixture(tool) && calledWithSecretKeys(tool) && tool.flags.paginated).map((tool) => [tool.name, tool] as const);

describe.each(paginated)('%s (paginated)', (_name, tool: Tool) => {
  it("returns 400 invalid_cursor to org B for a cursor org A was given", async () => {
    platform = createPlatform();
    const seedA = await seedOrg(platform);
    await seedOrg(platform); // a second agent, so that every list of org A has a second page
    const seedB = await seedOrg(platform, platform.orgB.apiKey.secret);
    const firstPage = await callRest(platform, tool, { ...fixtureFor(tool).input(seedA), limit: 1 });
    const cursor = firstPage.data?.nextCursor;
    expect(typeof cursor, `org A's first page of ${tool.name} should have a next cursor`).toBe('string');

    const input = { ...fixtureFor(tool).input(seedB), limit: 1, cursor };
    const rest = await callRest(platform, tool, input, platform.orgB.apiKey.secret);
    expect(rest.status, describeOutcome(rest)).toBe(400);
    expect(rest.problem?.code).toBe('invalid_cursor');
    const client = await connectMcp(platform, { token: platform.orgB.apiKey.secret });
    const mcp = await callMcp(client, tool, input);
    await client.close();
    expect(mcp.status, describeOutcome(mcp)).toBe(400);
    expect(mcp.problem?.code).toBe('invalid_cursor');
  });
});
