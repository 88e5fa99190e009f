/**
 * Bindings: a discovered operation mapped onto an agent's parameters and projected onto its own
 * output names, saved as an `integration_binding` skill on the agent's draft. Writes always land
 * disabled, for a person to review before they run on a call.
 */
import { z } from 'zod';
import { FlowyteError, notFound, type FieldError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import type { SkillRecord } from '../../store/skills.ts';
import { snakeName } from './bindings-canonical.ts';
import { checkBinding, type BindingCore, type CheckedBinding } from './bindings-check.ts';
import { connectionContext } from './connections.ts';
import { visibleSchema } from './discovery.ts';
import type { IntegrationProvider } from './provider.ts';
import type { NormalizedSchema } from './schema.ts';

export const SKILL_TYPE = 'integration_binding';

export const bindingInputShape = z.object({
  param: z.string().min(1).max(64).describe('The agent parameter (snake_case), ideally a canonical one: caller_phone, caller_name, caller_email, service_address, order_number, …'),
  arg: z.string().min(1).max(200).describe("The operation argument it fills (from the operation's args)."),
  required: z.boolean().optional().describe('Whether the agent must collect it first; defaults to whether the operation requires the argument.'),
  description: z.string().trim().min(1).max(500).optional().describe('What to ask the person for; defaults to the canonical description or the argument\'s.'),
});

export const bindingProjectionShape = z.object({
  path: z
    .array(z.string().min(1).max(128))
    .min(2)
    .max(6)
    .describe('The record (the operation\'s object, or its singular: appointment for appointments), then fields, through references: ["appointment", "starts_at"], ["job", "client", "first_name"].'),
  leaf: z.string().min(1).max(64).describe('The snake_case name the agent gets the value under.'),
});

/** The fields of a binding request (create_integration_binding's body; a pack preset's binding). */
export const bindingSpecShape = {
  toolName: z.string().trim().min(1).max(120).describe('The skill\'s name, e.g. "Look up the caller"; the model sees it as the tool name.'),
  description: z.string().trim().min(1).max(2000).optional().describe('When the agent should use it; a sentence is made from the operation when omitted.'),
  operation: z.string().min(1).max(200).describe('The operation to call, from GET /integrations/{kind}/operations (e.g. appointments.read, findContact).'),
  inputs: z.array(bindingInputShape).max(30).default([]).describe('How the agent\'s parameters fill the operation\'s arguments.'),
  projection: z.array(bindingProjectionShape).max(30).default([]).describe('Which provider fields come back, each under its own leaf name.'),
  enabled: z.boolean().default(false).describe('Whether the skill is live in the next publish; a write (insert or update) is always saved disabled.'),
};

const bindingSpecSchema = z.object(bindingSpecShape);
export type BindingSpec = z.input<typeof bindingSpecSchema>;

/** What a binding skill stores as its execution config. */
export interface BindingConfig extends BindingCore {
  kind: string;
}

export interface BindingSummary {
  operation: string;
  mode: 'read' | 'insert' | 'update';
  object: string;
  returns: 'one' | 'many';
  args: { param: string; arg: string }[];
  leaves: string[];
}

export interface CreatedBinding {
  skill: SkillRecord;
  summary: BindingSummary;
}

function failed(errors: FieldError[]): FlowyteError {
  return new FlowyteError('validation_error', errors.map((error) => `${error.field} ${error.message}`).join('; ').slice(0, 500), { errors });
}

/** A sentence for the model when the binding has no description. */
function sentenceFor(checked: CheckedBinding, spec: z.output<typeof bindingSpecSchema>): string {
  const { operation } = checked;
  const by = spec.inputs.map((input) => input.param.replace(/_/g, ' '));
  const returning = spec.projection.map((item) => item.leaf.replace(/_/g, ' '));
  const verb = operation.mode === 'read' ? 'Looks up' : operation.mode === 'insert' ? 'Creates' : 'Updates';
  return `${verb} ${operation.object}${by.length ? ` by ${by.join(', ')}` : ''}${returning.length ? `, returning ${returning.join(', ')}` : ''}.`;
}

function summaryOf(checked: CheckedBinding, spec: BindingCore): BindingSummary {
  const { operation } = checked;
  return {
    operation: operation.name,
    mode: operation.mode,
    object: operation.object,
    returns: operation.returns,
    args: spec.inputs.map((input) => ({ param: input.param, arg: input.arg })),
    leaves: spec.projection.map((item) => item.leaf),
  };
}

/** Check a binding against a schema; the validation error names every bad field. */
export function compileBinding(schema: NormalizedSchema, provider: IntegrationProvider, raw: BindingSpec) {
  const parsed = bindingSpecSchema.safeParse(raw);
  if (!parsed.success) throw failed(parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || 'binding', message: issue.message })));
  const spec = parsed.data;
  const errors: FieldError[] = [];
  if (!snakeName(spec.toolName)) errors.push({ field: 'toolName', message: 'must have letters or digits' });
  const { checked, errors: problems } = checkBinding(schema, provider, spec);
  errors.push(...problems);
  if (!checked || errors.length) throw failed(errors);
  return { spec, checked, summary: summaryOf(checked, spec) };
}

/** The origin ref of a binding skill made by hand or auto-mapped. */
export const bindingRef = (toolName: string) => `binding:${snakeName(toolName)}`;

/**
 * Check a binding against the org's visible schema and save it as a skill on the agent's draft.
 * 404 for an unknown agent or provider, 409 integration_not_connected, 404 schema_not_discovered,
 * 400 validation_error. `ref` marks where it came from (binding:<name> by default, preset:<id>).
 */
export function createBinding(services: Services, orgId: string, agentId: string, kind: string, raw: BindingSpec, ref?: string): CreatedBinding {
  if (!services.agents.find(orgId, agentId)) throw notFound('agent', agentId);
  const { provider } = connectionContext(services, orgId, kind);
  const { schema } = visibleSchema(services, orgId, kind);
  const { spec, checked, summary } = compileBinding(schema, provider, raw);
  const origin = { kind, ref: ref ?? bindingRef(spec.toolName) };
  if (services.skills.findByOrigin(orgId, agentId, origin)) {
    throw failed([{ field: 'toolName', message: `the agent already has a ${kind} skill named like this: delete it or pick another name` }]);
  }
  const write = checked.operation.mode !== 'read';
  const executionConfig: BindingConfig = {
    kind,
    operation: spec.operation,
    inputs: spec.inputs.map((input) => ({ param: input.param, arg: input.arg })),
    projection: spec.projection.map((item) => ({ path: item.path, leaf: item.leaf })),
  };
  const skill = services.skills.create(
    orgId,
    agentId,
    {
      name: spec.toolName,
      description: spec.description ?? sentenceFor(checked, spec),
      skillType: SKILL_TYPE,
      parametersSchema: checked.parametersSchema,
      executionConfig: executionConfig as unknown as Record<string, unknown>,
      enabled: spec.enabled && !write,
      // A write changes the customer's system: the agent confirms it with the person first.
      requiresConfirmation: write,
      stakes: write ? 'medium' : 'low',
      requiresVerifiedIdentity: false,
      verificationLevel: 'basic',
      allowedFields: null,
    },
    origin,
  );
  return { skill, summary };
}
