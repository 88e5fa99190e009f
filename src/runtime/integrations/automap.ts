/**
 * Auto-mapping a binding from a plain-language goal: the configured language model proposes one
 * (the offline matcher when none is configured, or when the model's proposal does not check out),
 * and it is saved like a hand-made binding, always disabled, for a person to review.
 */
import { FlowyteError, notFound, type FieldError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { createChatModel } from '../models/chat-model.ts';
import { proposeWithModel } from './automap-model.ts';
import { proposeOffline } from './automap-offline.ts';
import { bindingRef, compileBinding, createBinding, type BindingSpec, type CreatedBinding } from './bindings.ts';
import { connectionContext } from './connections.ts';
import { visibleSchema } from './discovery.ts';
import type { IntegrationProvider } from './provider.ts';
import type { NormalizedSchema } from './schema.ts';

export interface AutoMapped extends CreatedBinding {
  /** Who proposed it: the configured language model, or the offline matcher. */
  proposedBy: 'model' | 'matcher';
}

/** The proposal, if it checks out against the schema; its problems otherwise. */
function checked(schema: NormalizedSchema, provider: IntegrationProvider, spec: BindingSpec): FieldError[] {
  try {
    compileBinding(schema, provider, spec);
    return [];
  } catch (error) {
    if (error instanceof FlowyteError && error.code === 'validation_error') return error.errors ?? [{ field: 'binding', message: error.message }];
    throw error;
  }
}

/** The tool name, numbered when the agent already has a binding called that. */
function freeName(services: Services, orgId: string, agentId: string, kind: string, toolName: string): string {
  let name = toolName;
  for (let number = 2; services.skills.findByOrigin(orgId, agentId, { kind, ref: bindingRef(name) }); number += 1) name = `${toolName} ${number}`;
  return name;
}

/** Propose a binding for `goal`, check it, and save it disabled on the agent's draft. 422 unprocessable when none can be made. */
export async function autoMapBinding(services: Services, orgId: string, agentId: string, kind: string, goal: string, signal?: AbortSignal): Promise<AutoMapped> {
  if (!services.agents.find(orgId, agentId)) throw notFound('agent', agentId);
  const { provider } = connectionContext(services, orgId, kind);
  const { schema } = visibleSchema(services, orgId, kind);
  let proposal: { spec: BindingSpec; proposedBy: AutoMapped['proposedBy'] } | undefined;
  if (services.config.model.provider === 'openai') {
    try {
      const spec = await proposeWithModel(createChatModel(services.config.model), schema, goal, signal);
      if (checked(schema, provider, spec).length === 0) proposal = { spec, proposedBy: 'model' };
      else services.logger.info('the model proposed a binding that does not check out; trying the offline matcher', { kind, errors: checked(schema, provider, spec) });
    } catch (error) {
      if (signal?.aborted) throw error;
      services.logger.error('auto-mapping with the model failed; trying the offline matcher', { kind, error: String(error) });
    }
  }
  if (!proposal) {
    const spec = proposeOffline(schema, goal);
    if (!spec) throw new FlowyteError('unprocessable', `no operation of ${provider.name}'s discovered schema matches the goal: name the record and what to look it up by (e.g. "look up a client by phone")`);
    const problems = checked(schema, provider, spec);
    if (problems.length) throw new FlowyteError('unprocessable', `no valid binding could be made for the goal: ${problems.map((problem) => `${problem.field} ${problem.message}`).join('; ')}`.slice(0, 500), { errors: problems });
    proposal = { spec, proposedBy: 'matcher' };
  }
  const spec = { ...proposal.spec, toolName: freeName(services, orgId, agentId, kind, proposal.spec.toolName), enabled: false };
  return { ...createBinding(services, orgId, agentId, kind, spec), proposedBy: proposal.proposedBy };
}
