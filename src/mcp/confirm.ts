/**
 * Confirmation of destructive MCP calls: MCP elicitation where the client supports it, otherwise a
 * confirmationId from a first call, bound to the caller and the exact (parsed) arguments.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { acceptedContent, inputRequired, inputResponse, type InputRequiredResult, type ServerContext } from '@modelcontextprotocol/server';
import { FlowyteError } from '../errors.ts';
import type { Actor } from '../auth/actor.ts';
import type { Services } from '../services.ts';
import type { Tool } from '../tools/types.ts';

const ELICIT_KEY = 'confirm';
const confirmAnswer = z.object({ confirm: z.boolean() });

export function argumentsHash(tool: Tool, input: Record<string, unknown>): string {
  return createHash('sha256').update(tool.name).update(JSON.stringify(input)).digest('hex');
}

/** A one-line summary of what a destructive call will do, for the person confirming it. */
export function summarize(tool: Tool, input: Record<string, unknown>): string {
  const shown = Object.entries(input)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(', ');
  return `${tool.title} (${tool.name}${shown ? `: ${shown}` : ''})`;
}

export interface ConfirmRequest {
  tool: Tool;
  input: Record<string, unknown>;
  confirmationId?: string;
  actor: Actor;
  services: Services;
  canElicit: boolean;
  request: ServerContext;
}

/**
 * Decide whether a destructive call may run now. Returns `'proceed'`, or an input-required result
 * (elicitation) to hand back to the client; throws confirmation_required otherwise.
 */
export function confirmDestructive(request: ConfirmRequest): 'proceed' | InputRequiredResult {
  const { tool, input, actor, services } = request;
  const summary = summarize(tool, input);
  if (request.canElicit) {
    const view = inputResponse(request.request.mcpReq.inputResponses, ELICIT_KEY);
    if (view.kind === 'elicit' && view.action !== 'accept') {
      throw new FlowyteError('confirmation_required', `not done: the user did not confirm ${summary}`);
    }
    const answer = acceptedContent(request.request.mcpReq.inputResponses, ELICIT_KEY, confirmAnswer);
    if (answer?.confirm) return 'proceed';
    if (answer) throw new FlowyteError('confirmation_required', `not done: the user declined ${summary}`);
    return inputRequired({
      inputRequests: {
        [ELICIT_KEY]: inputRequired.elicit({
          mode: 'form',
          message: `Confirm: ${summary}`,
          requestedSchema: {
            type: 'object',
            properties: { confirm: { type: 'boolean', title: 'Confirm', description: 'Do it' } },
            required: ['confirm'],
          },
        }),
      },
    });
  }
  const hash = argumentsHash(tool, input);
  if (request.confirmationId && services.confirmations.consume(actor.orgId, actor.id, request.confirmationId, tool.name, hash)) {
    return 'proceed';
  }
  const ttl = services.config.confirmationTtlSeconds;
  const pending = services.confirmations.create(actor.orgId, actor.id, tool.name, hash, ttl);
  const retry = request.confirmationId ? 'That confirmationId is unknown, used, expired or for other arguments. ' : '';
  throw new FlowyteError(
    'confirmation_required',
    `${retry}${summary} is destructive. Confirm with the user, then call ${tool.name} again with the same arguments and confirmationId "${pending.id}" (valid ${ttl}s).`,
    { extensions: { confirmationId: pending.id, expiresAt: pending.expiresAt, summary } },
  );
}
