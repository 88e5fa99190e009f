/**
 * The one pipeline every face calls: permission → validate input → idempotency → execute →
 * validate output, and an unexpected failure logged once. REST, MCP and the copilot only
 * translate to and from it.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { FlowyteError, type FieldError } from '../errors.ts';
import { grants } from '../auth/scopes.ts';
import type { Actor } from '../auth/actor.ts';
import type { Services } from '../services.ts';
import { reportUnexpected } from '../logging.ts';
import type { Tool, ToolContext, ToolEvent } from './types.ts';

export interface Invocation {
  actor: Actor;
  services: Services;
  requestId: string;
  signal?: AbortSignal;
  emit?: (event: ToolEvent) => void;
}

/** For callers with nothing to cancel: one signal that never aborts, not a new one per call. */
const NEVER_ABORTED = new AbortController().signal;

export interface InvokeResult {
  data: unknown;
  /** True when an Idempotency-Key replayed an earlier result. */
  replayed: boolean;
}

/** Whether the kind of credential the actor holds is one the tool accepts (scopes aside). */
export function credentialFits(tool: Tool, actor: Actor): boolean {
  return (
    tool.auth === 'any' ||
    (tool.auth === 'secret' && (actor.type === 'api_key' || actor.type === 'user')) ||
    (tool.auth === 'session' && actor.type === 'user') ||
    (tool.auth === 'publishable' && actor.type === 'visitor')
  );
}

/** Fail unless the actor may call the tool at all (reserved, auth kind, scope). */
export function authorize(tool: Tool, actor: Actor): void {
  if (tool.flags.reserved) {
    throw new FlowyteError('operation_reserved', `${tool.name} is reserved: it is in the contract but not open yet`);
  }
  if (!credentialFits(tool, actor)) {
    if (tool.auth === 'session') {
      throw new FlowyteError('dashboard_session_required', `${tool.name} can only be called from a dashboard session`);
    }
    throw new FlowyteError('forbidden', `${tool.name} cannot be called with this kind of credential`);
  }
  if (tool.scope && !grants(actor.scopes, tool.scope)) {
    throw new FlowyteError('insufficient_scope', `${tool.name} needs the ${tool.scope} scope`, {
      extensions: { requiredScope: tool.scope },
    });
  }
}

/** Zod issues as the problem document's `errors[]`. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
}

/** Parse raw input against the tool's schema, or fail with a 400 listing every bad field. */
export function parseInput(tool: Tool, raw: unknown): Record<string, unknown> {
  const parsed = tool.input.safeParse(raw ?? {});
  // A misspelt field must not be silently ignored: unknown top-level fields are errors too, except
  // for the few tools whose contract is to ignore them (a loose schema, e.g. OpenAI's request shape).
  // Own fields of the shape only: `in` would also accept `constructor`, `toString`, `__proto__`.
  const strict = tool.input.def.catchall === undefined;
  const unknown =
    strict && raw && typeof raw === 'object' ? Object.keys(raw).filter((field) => !Object.hasOwn(tool.input.shape, field)) : [];
  if (parsed.success && unknown.length === 0) return parsed.data as Record<string, unknown>;
  const errors = [
    ...(parsed.success ? [] : fieldErrors(parsed.error)),
    ...unknown.map((field) => ({ field, message: `is not a field of ${tool.name}` })),
  ];
  const summary = errors.map((error) => `${error.field} ${error.message}`).join('; ');
  throw new FlowyteError('validation_error', summary.slice(0, 500), { errors });
}

function hashRequest(tool: string, input: Record<string, unknown>): string {
  const { idempotencyKey: _key, ...rest } = input;
  return createHash('sha256').update(tool).update(JSON.stringify(rest)).digest('hex');
}

/**
 * Invoke a tool for an actor with raw (unvalidated) input. An unexpected failure is logged here,
 * for every face at once, and rethrown for the face to answer with its problem document.
 */
export async function invokeTool(tool: Tool, raw: unknown, invocation: Invocation): Promise<InvokeResult> {
  try {
    return await invokeChecked(tool, raw, invocation);
  } catch (error) {
    const { actor, services, requestId, signal } = invocation;
    reportUnexpected(services.logger, error, callFields(tool, actor, requestId), signal?.aborted);
    throw error;
  }
}

/** The log fields that place a failed call: which tool, for whom, in which request. */
export function callFields(tool: Tool, actor: Actor, requestId: string): Record<string, unknown> {
  return { tool: tool.name, requestId, actor: actor.type, actorId: actor.id, orgId: actor.orgId };
}

async function invokeChecked(tool: Tool, raw: unknown, invocation: Invocation): Promise<InvokeResult> {
  const { actor, services } = invocation;
  authorize(tool, actor);
  const input = parseInput(tool, raw);
  const org = services.credentials.findOrg(actor.orgId);
  if (!org) throw new FlowyteError('unauthorized', 'the organization of this credential no longer exists');

  const idempotencyKey = tool.flags.idempotencyKey ? (input.idempotencyKey as string | undefined) : undefined;
  let operation: ToolContext['operation'];
  if (idempotencyKey) {
    const claim = services.idempotency.claim(org.id, idempotencyKey, tool.name, hashRequest(tool.name, input));
    if (claim.state === 'replay') return { data: claim.response, replayed: true };
    if (claim.state === 'claimed') {
      operation = { effect: claim.effect, record: (effect) => services.idempotency.recordEffect(org.id, idempotencyKey, effect) };
    }
    if (claim.state === 'in_progress') {
      throw new FlowyteError('idempotency_in_progress', 'a request with this Idempotency-Key is still running; retry shortly');
    }
    if (claim.state === 'mismatch') {
      throw new FlowyteError('idempotency_key_reused', 'this Idempotency-Key was already used with a different request');
    }
  }

  const context: ToolContext = {
    org,
    actor,
    services,
    requestId: invocation.requestId,
    signal: invocation.signal ?? NEVER_ABORTED,
    emit: invocation.emit ?? (() => {}),
    cursors: {
      encode: (position) => services.cursors.encode(org.id, position),
      decode: (cursor) => services.cursors.decode(org.id, cursor),
    },
    operation,
  };

  let data: unknown;
  try {
    const output = await tool.execute(input, context);
    const checked = tool.output.safeParse(output);
    if (!checked.success) {
      throw new FlowyteError('internal_error', `${tool.name} produced output that does not match its schema`, {
        cause: checked.error,
      });
    }
    data = checked.data;
  } catch (error) {
    if (idempotencyKey) services.idempotency.release(org.id, idempotencyKey);
    throw error;
  }
  if (idempotencyKey) services.idempotency.complete(org.id, idempotencyKey, data);
  return { data, replayed: false };
}
