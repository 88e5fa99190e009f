/**
 * REST / MCP parity for every registry tool: the same input gives the same data, and the same
 * failure gives the same problem code and status, on both faces.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TOOLS } from '../../src/tools/index.ts';
import type { Tool } from '../../src/tools/types.ts';
import { createPlatform, mcpServerFor, type Platform } from '../helpers.ts';
import { PLACEHOLDER_SEED, calledWithSecretKeys, fixtureFor, hasFixture, reportMissingFixtures, seedOrg } from '../fixtures/tool-inputs.ts';
import { callMcp, callRest, describeOutcome, type Outcome } from '../fixtures/faces.ts';
import { CLIENT_LINES, SDK_2, type ClientLine, type LineClient } from '../fixtures/mcp-clients.ts';
import { badInputsFor } from '../fixtures/bad-inputs.ts';

// Tools whose data depends on the calls made so far (each call is audited), so only the shape of
// their data can match across two calls.
const HISTORY_DEPENDENT = new Set(['list_audit_logs']);

const ID_PATTERN = /^[a-z]{2,5}_[0-9a-hjkmnp-tv-z]{26}$/;
const TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** The value with ids, timestamps and cursors replaced by placeholders. */
function stable(value: unknown, key = ''): unknown {
  if (key === 'nextCursor' && typeof value === 'string') return '<cursor>';
  // Signed tokens, signing secrets, rooms and anonymous visitor ids are random; `created` is a clock reading;
  // each seed owns its own phone number.
  if (['visitorToken', 'token', 'room', 'secret', 'e164'].includes(key) && typeof value === 'string') return `<${key}>`;
  if (key === 'created' && typeof value === 'number') return '<unix-time>';
  // Passages are numbered across the whole index, so each seed's passages have their own numbers.
  if (key === 'chunkId' && typeof value === 'number') return '<chunk-id>';
  // How long a check took (test_sql_connection) differs from one call to the next.
  if (key === 'ms' && typeof value === 'number') return '<duration>';
  if (typeof value === 'string') {
    if (ID_PATTERN.test(value)) return '<id>';
    if (TIME_PATTERN.test(value)) return '<time>';
    // Publishable key values are random, and may sit inside a snippet; ids may sit inside other ids.
    return value.replace(/flowyte_pk_[A-Za-z0-9_-]+/g, '<publishable-key>').replace(new RegExp(ID_PATTERN.source.slice(1, -1), 'g'), '<id>');
  }
  if (Array.isArray(value)) return value.map((item) => stable(item));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, child]) => [name, stable(child, name)]));
  }
  return value;
}

/** The JSON types of a value, recursively (an array shows the distinct shapes of its items). */
function shapeOf(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const shapes = [...new Set(value.map((item) => JSON.stringify(shapeOf(item))))].sort();
    return shapes.map((shape) => JSON.parse(shape));
  }
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((name) => [name, shapeOf((value as Record<string, unknown>)[name])]),
    );
  }
  return typeof value;
}

function expectSameFailure(rest: Outcome, mcp: Outcome): void {
  expect(rest.ok, `REST should fail: ${describeOutcome(rest)}`).toBe(false);
  expect(mcp.ok, `MCP should fail: ${describeOutcome(mcp)}`).toBe(false);
  expect(mcp.problem?.code).toBe(rest.problem?.code);
  expect(mcp.status).toBe(rest.status);
  expect(mcp.problem?.status).toBe(rest.problem?.status);
}

let platform: Platform | undefined;
let client: LineClient | undefined;
afterEach(async () => {
  await client?.close();
  platform?.close();
  client = undefined;
  platform = undefined;
});

/**
 * REST and an MCP client of `line`, which rejects any success result that does not match its
 * tool's outputSchema. Only `toolset` is served: SDK 1.x compiles a validator for every listed tool.
 */
async function openFaces(toolset: string, line: ClientLine = SDK_2): Promise<{ platform: Platform; client: LineClient }> {
  platform = createPlatform();
  client = await line.memory(mcpServerFor(platform, { mcp: { toolsets: [toolset] } }));
  return { platform, client };
}

reportMissingFixtures(TOOLS);
const tools = TOOLS.filter(hasFixture).filter(calledWithSecretKeys).map((tool) => [tool.name, tool] as const);

describe.each(tools)('%s', (_name, tool: Tool) => {
  it.each(CLIENT_LINES)('returns the same data over REST and MCP ($name) for a valid input', async (line) => {
    const { platform, client } = await openFaces(tool.toolset, line);
    const fixture = fixtureFor(tool);
    // Each face works on its own seed, so that a mutation on one does not change what the other sees.
    const restSeed = await seedOrg(platform);
    const mcpSeed = await seedOrg(platform);
    const rest = await callRest(platform, tool, fixture.input(restSeed));
    const mcp = await callMcp(client, tool, fixture.input(mcpSeed));
    if (fixture.answers) {
      expectSameFailure(rest, mcp);
      expect(rest.problem?.code).toBe(fixture.answers);
      return;
    }
    expect(rest.ok, `REST: ${describeOutcome(rest)}`).toBe(true);
    expect(mcp.ok, `MCP: ${describeOutcome(mcp)}`).toBe(true);
    expect(rest.status).toBe(tool.http.successStatus);
    expect(shapeOf(mcp.data)).toEqual(shapeOf(rest.data));
    if (!HISTORY_DEPENDENT.has(tool.name)) expect(stable(mcp.data)).toEqual(stable(rest.data));
  });

  const { ownedIds } = fixtureFor(tool);
  if (ownedIds.length) {
    it.each(ownedIds)('fails with the same not_found on both faces when %s is unknown', async (field) => {
      const { platform, client } = await openFaces(tool.toolset);
      const seed = await seedOrg(platform);
      const valid = fixtureFor(tool).input(seed);
      const prefix = String(valid[field]).split('_')[0];
      const input = { ...valid, [field]: `${prefix}_01jabcdefghjkmnpqrstvwxyz0` };
      const rest = await callRest(platform, tool, input);
      const mcp = await callMcp(client, tool, input);
      expectSameFailure(rest, mcp);
      expect(rest.problem?.code).toBe('not_found');
      expect(rest.status).toBe(404);
    });
  }

  const invalid = badInputsFor(tool, fixtureFor(tool).input(PLACEHOLDER_SEED)).find(
    (bad) => bad.onRest,
  );
  if (invalid) {
    it(`fails with the same validation_error on both faces for an invalid input (${invalid.label})`, async () => {
      const { platform, client } = await openFaces(tool.toolset);
      const seed = await seedOrg(platform);
      const regenerated = badInputsFor(tool, fixtureFor(tool).input(seed)).find((bad) => bad.label === invalid.label)!;
      const rest = await callRest(platform, tool, regenerated.input);
      const mcp = await callMcp(client, tool, regenerated.input);
      expectSameFailure(rest, mcp);
      expect(rest.problem?.code).toBe('validation_error');
      expect(mcp.problem?.errors).toEqual(rest.problem?.errors);
    });
  }
});
