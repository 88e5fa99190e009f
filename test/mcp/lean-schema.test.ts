import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { jsonSchemaOf } from '../../src/tools/json-schema.ts';
import { leanInputSchema, leanOutputSchema } from '../../src/mcp/lean-schema.ts';

const node = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('say'), text: z.string().max(10).describe('What to say.'), meta: z.object({ at: z.string() }) }),
  z.object({ kind: z.literal('ask'), text: z.string().describe('The question.'), meta: z.object({ at: z.string(), retries: z.number() }) }),
]);
const output = z.object({
  description: z.string().describe('A field that happens to be called description.'),
  graph: z.object({ nodes: z.array(node).describe('The nodes.') }),
  nodes: z.array(node),
});

describe('leanOutputSchema', () => {
  const lean = leanOutputSchema(jsonSchemaOf(output, 'output'), 1);
  const validate = new Ajv2020({ strict: false }).compile(lean);

  it('keeps the fields and types of the result, and only types nested objects', () => {
    expect(lean.properties?.description).toEqual({ type: 'string' });
    expect(lean.properties?.graph).toEqual({ type: 'object' });
    expect(lean.required).toEqual(['description', 'graph', 'nodes']);
    expect(JSON.stringify(lean)).not.toMatch(/"(maxLength|default)"|What to say/);
  });

  it('accepts every value the full schema accepts, union members that look alike once loosened included', () => {
    const value = {
      description: 'x',
      graph: { nodes: [{ kind: 'say', text: 'hi', meta: { at: 'a' } }] },
      nodes: [
        { kind: 'say', text: 'hi', meta: { at: 'a' } },
        { kind: 'ask', text: 'why?', meta: { at: 'b', retries: 1 } },
      ],
    };
    expect(output.safeParse(value).success).toBe(true);
    expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...value, nodes: 'not a list' })).toBe(false);
  });
});

describe('leanInputSchema', () => {
  const span = z.object({ open: z.string().describe('Opening time.') }).describe('One span.');
  const input = z.object({
    monday: z.array(span).describe('Spans of the day.'),
    tuesday: z.array(span).describe('Spans of the day.'),
    persona: z.object({ role: z.string().default(''), tone: z.string().default('') }).default({ role: '', tone: '' }),
    limits: z.object({ max: z.number().default(5) }).default({ max: 10 }),
  });
  const lean = leanInputSchema(jsonSchemaOf(input, 'input'));

  it('says each description once, at its first place', () => {
    const text = JSON.stringify(lean);
    for (const description of ['Spans of the day.', 'One span.', 'Opening time.']) expect(text.split(description)).toHaveLength(2);
    expect(lean.properties?.monday.description).toBe('Spans of the day.');
  });

  it('drops an object default only when its fields give the same defaults', () => {
    expect(lean.properties?.persona).not.toHaveProperty('default');
    expect(lean.properties?.limits.default).toEqual({ max: 10 });
  });
});
