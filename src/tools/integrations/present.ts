/** Output shapes of the discovered schema, shared by the schema tools. */
import { z } from 'zod';

export const fieldOutput = z.object({
  name: z.string().describe('Field name.'),
  type: z.enum(['string', 'integer', 'number', 'boolean', 'date', 'datetime', 'json', 'reference']).describe('Normalized type.'),
  nativeType: z.string().optional().describe("The provider's own type."),
  required: z.boolean().describe('Whether a record always has it (a write must give it).'),
  description: z.string().optional().describe('What it holds, when the provider says.'),
  allowedValues: z.array(z.string()).optional().describe('The only values it takes (an enumeration).'),
  sensitive: z.boolean().describe('Holds personal or payment-card data.'),
  target: z.string().optional().describe('For a reference: the object it points to.'),
  indexed: z.boolean().optional().describe('A read can filter on it efficiently.'),
  unique: z.boolean().optional().describe('Identifies one record.'),
});

export const capabilitiesOutput = z
  .object({ read: z.boolean(), insert: z.boolean(), update: z.boolean() })
  .describe('What bindings may do with the object.');

export const objectOutput = z.object({
  name: z.string().describe('Object (table, type) name.'),
  description: z.string().optional().describe('What it holds, when known.'),
  fields: z.array(fieldOutput).describe('Its fields.'),
  capabilities: capabilitiesOutput,
  recordCount: z.number().int().optional().describe('About how many records it has, when known.'),
});

export const relationshipOutput = z.object({
  from: z.string().describe('The object holding the reference.'),
  field: z.string().describe('The referencing field.'),
  to: z.string().describe('The object referred to.'),
  cardinality: z.enum(['one', 'many']).describe('one: from holds one to; many: from has many.'),
});

export const operationOutput = z.object({
  name: z.string().describe('The operation to bind (e.g. appointments.read).'),
  mode: z.enum(['read', 'insert', 'update']).describe('read has no side effect; insert and update write.'),
  object: z.string().describe('The object it returns or changes.'),
  returns: z.enum(['one', 'many']).describe('One record or a list.'),
  description: z.string().optional().describe('What it does.'),
  args: z
    .array(
      z.object({
        name: z.string().describe('Argument name (what a binding input maps to, as arg).'),
        type: fieldOutput.shape.type,
        required: z.boolean().describe('Whether the operation needs it.'),
        description: z.string().optional().describe('What it is.'),
        field: z.string().optional().describe('The object field it filters on or writes.'),
      }),
    )
    .describe('Its arguments.'),
});
