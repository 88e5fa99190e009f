/** Schema lint over every registry tool: what MCP clients and the REST mapping rely on. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TOOLS, checkRegistry } from '../../src/tools/index.ts';
import { jsonSchemaOf, type JsonSchema } from '../../src/tools/json-schema.ts';
import type { Tool } from '../../src/tools/types.ts';
import { describeTool } from '../../src/mcp/descriptors.ts';
import { createPlatform } from '../helpers.ts';
import { PLACEHOLDER_SEED, TOOL_INPUTS, fixtureFor } from '../fixtures/tool-inputs.ts';

const SRC_TOOLS = fileURLToPath(new URL('../../src/tools/', import.meta.url));
const tools = TOOLS.map((tool) => [tool.name, tool] as const);

/** Every named property at every depth, as [dotted path, schema]. */
function propertiesOf(schema: JsonSchema, at = ''): [string, JsonSchema][] {
  const found: [string, JsonSchema][] = [];
  const visit = (node: unknown, where: string) => {
    if (!node || typeof node !== 'object') return;
    const current = node as JsonSchema;
    for (const [name, property] of Object.entries(current.properties ?? {})) {
      const dotted = where ? `${where}.${name}` : name;
      found.push([dotted, property]);
      visit(property, dotted);
    }
    visit(current.items, `${where}[]`);
    visit(current.additionalProperties, `${where}{}`);
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
      for (const branch of (current[key] as unknown[] | undefined) ?? []) visit(branch, where);
    }
  };
  visit(schema, at);
  return found;
}

/** Every key path in a JSON value whose key is one of `keys`. */
function keysAnywhere(value: unknown, keys: string[], at = '$'): string[] {
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => [
    ...(keys.includes(key) ? [`${at}.${key}`] : []),
    ...keysAnywhere(child, keys, `${at}.${key}`),
  ]);
}

describe('the tool registry', () => {
  it.each(tools)('%s has a snake_case name of at most 40 characters', (name) => {
    expect(name).toMatch(/^[a-z0-9_]{1,40}$/);
  });

  it.each(tools)('%s has a title and a description', (_name, tool) => {
    expect(tool.title.trim()).not.toBe('');
    expect(tool.description.trim()).not.toBe('');
  });

  it.each(tools)('%s has an input schema MCP clients accept (object root, no combinators, no refs)', (_name, tool) => {
    const input = jsonSchemaOf(tool.input, 'input');
    expect(input.type).toBe('object');
    expect(Object.keys(input).filter((key) => ['anyOf', 'oneOf', 'allOf'].includes(key))).toEqual([]);
    expect(keysAnywhere(input, ['$ref', '$defs', 'definitions'])).toEqual([]);
  });

  it.each(tools)('%s describes every input property at every depth, with more than its own name', (_name, tool) => {
    const undescribed = propertiesOf(jsonSchemaOf(tool.input, 'input'))
      .filter(([dotted, property]) => {
        const description = typeof property.description === 'string' ? property.description.trim() : '';
        const name = dotted.split(/[.[\]{}]+/).filter(Boolean).at(-1);
        return description === '' || description === name;
      })
      .map(([dotted]) => dotted);
    expect(undescribed, `input properties of ${tool.name} without a real description`).toEqual([]);
  });

  it.each(tools)('%s has an object output schema without refs', (_name, tool) => {
    const output = jsonSchemaOf(tool.output, 'output');
    expect(output.type).toBe('object');
    expect(keysAnywhere(output, ['$ref', '$defs', 'definitions'])).toEqual([]);
  });

  it.each(tools)('%s declares every path parameter as a required input field', (_name, tool) => {
    const input = jsonSchemaOf(tool.input, 'input');
    for (const param of tool.pathParams) {
      expect(Object.keys(input.properties ?? {})).toContain(param);
      expect(input.required ?? []).toContain(param);
    }
  });

  const paginated = tools.filter(([, tool]) => tool.flags.paginated);
  it.each(paginated)('%s (paginated) takes cursor and limit and returns items, nextCursor and hasMore', (_name, tool) => {
    const input = jsonSchemaOf(tool.input, 'input');
    expect(Object.keys(input.properties ?? {})).toEqual(expect.arrayContaining(['cursor', 'limit']));
    const output = jsonSchemaOf(tool.output, 'output');
    expect(Object.keys(output.properties ?? {}).sort()).toEqual(['hasMore', 'items', 'nextCursor']);
  });

  const destructive = tools.filter(([, tool]) => tool.flags.destructive);
  it.each(destructive)('%s (destructive) is not read-only', (_name, tool) => {
    expect(tool.flags.readOnly).not.toBe(true);
  });

  it('has no duplicate names or method + path', () => {
    expect(() => checkRegistry(TOOLS)).not.toThrow();
    expect(new Set(TOOLS.map((tool) => tool.name)).size).toBe(TOOLS.length);
  });
});

describe('MCP descriptors', () => {
  it.each(tools)('%s sets all four annotation hints from its flags', (_name, tool) => {
    // The title is the descriptor's own (MCP 2025-06-18), not repeated among the annotations.
    expect(describeTool(tool).title).toBe(tool.title);
    expect(describeTool(tool).annotations).toEqual({
      readOnlyHint: tool.flags.readOnly === true,
      destructiveHint: tool.flags.destructive === true,
      idempotentHint: tool.flags.idempotent === true,
      openWorldHint: tool.flags.openWorld === true,
    });
  });

  it.each(tools)('%s lists an object input schema without refs', (_name, tool) => {
    const input = describeTool(tool).inputSchema as JsonSchema;
    expect(input.type).toBe('object');
    expect(keysAnywhere(input, ['$ref', '$defs', 'definitions'])).toEqual([]);
  });

  const destructiveTools = tools.filter(([, tool]) => tool.flags.destructive);
  it.each(destructiveTools)('%s (destructive) offers a described confirmationId argument', (_name, tool) => {
    const confirmation = (describeTool(tool).inputSchema as JsonSchema).properties?.confirmationId;
    expect(confirmation?.type).toBe('string');
    expect(String(confirmation?.description ?? '')).not.toBe('');
  });
});

describe('checkRegistry', () => {
  const first = TOOLS[0];

  it('throws on a doubled tool name', () => {
    expect(() => checkRegistry([...TOOLS, first])).toThrow(`duplicate tool name: ${first.name}`);
  });

  it('throws on a second tool with the same method and path', () => {
    const twin: Tool = { ...first, name: `${first.name}_twin` };
    expect(() => checkRegistry([...TOOLS, twin])).toThrow(/duplicate route/);
  });

  it('treats paths that differ only in parameter names as the same route', () => {
    const byId = TOOLS.find((tool) => tool.http.path.includes('{id}'))!;
    const renamed: Tool = { ...byId, name: 'renamed_param', http: { ...byId.http, path: byId.http.path.replace('{id}', '{agentId}') } };
    expect(() => checkRegistry([...TOOLS, renamed])).toThrow(/duplicate route/);
  });

  it('makes the app refuse to start on a doubled list', () => {
    expect(() => createPlatform({}, [...TOOLS, first])).toThrow(/duplicate tool name/);
  });
});

describe('tool modules', () => {
  const TRANSPORT_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"](hono(?:\/[^'"]*)?|@modelcontextprotocol\/[^'"]+)['"]/;

  function sourceFiles(directory: string): string[] {
    return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) return sourceFiles(full);
      return /\.[cm]?[jt]sx?$/.test(entry.name) ? [full] : [];
    });
  }

  it('recognizes every form of a transport import (the check itself)', () => {
    for (const line of [
      "import { Hono } from 'hono';",
      "import type { Context } from 'hono';",
      "import { streamSSE } from 'hono/streaming';",
      "import { McpServer } from '@modelcontextprotocol/server';",
      "export { Client } from \"@modelcontextprotocol/client\";",
      "const sdk = await import('@modelcontextprotocol/server');",
      "import 'hono';",
    ]) {
      expect(line).toMatch(TRANSPORT_IMPORT);
    }
    expect("import { z } from 'zod';").not.toMatch(TRANSPORT_IMPORT);
    expect("import { honoPath } from '../http/rest.ts';").not.toMatch(TRANSPORT_IMPORT);
  });

  it('never import Hono or the MCP SDK', () => {
    const files = sourceFiles(SRC_TOOLS);
    expect(files.length).toBeGreaterThan(5);
    const offenders = files
      .filter((file) => TRANSPORT_IMPORT.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(SRC_TOOLS, file));
    expect(offenders).toEqual([]);
  });
});

describe('the test fixtures (test/fixtures/tool-inputs.ts)', () => {
  const fakeSeed = PLACEHOLDER_SEED;

  it.each(tools)('%s has a fixture whose input the tool accepts', (_name, tool) => {
    const fixture = fixtureFor(tool);
    const parsed = tool.input.safeParse(fixture.input(fakeSeed));
    expect(parsed.error?.issues ?? []).toEqual([]);
    const fields = Object.keys(tool.input.shape);
    for (const field of fixture.ownedIds) expect(fields, `${tool.name}: owned id field ${field} is not an input field`).toContain(field);
    for (const param of tool.pathParams.filter((name) => /id$/i.test(name))) {
      expect(fixture.ownedIds, `${tool.name}: path id "${param}" should be marked as org-owned`).toContain(param);
    }
  });

  it('has no entries for tools that are not in the registry', () => {
    const registered = new Set(TOOLS.map((tool) => tool.name));
    expect(Object.keys(TOOL_INPUTS).filter((name) => !registered.has(name))).toEqual([]);
  });
});
