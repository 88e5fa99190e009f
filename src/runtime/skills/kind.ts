/** What the skill kinds share: the call shape, outcomes, and checks of common settings. */
import { z } from 'zod';
import type { CompiledConfig, CompiledSkill } from '../compile.ts';
import type { ConversationRecord } from '../../store/conversations.ts';
import type { SkillStore } from '../../store/skills.ts';
import type { Mailer } from '../email/mailer.ts';
import type { Geocoder } from '../geo/geocoder.ts';
import { FlowyteError } from '../../errors.ts';
import type { ConnectionContext, IntegrationProvider } from '../integrations/provider.ts';
import { TRANSFER_DESTINATION_RULE, transferDestinationOf } from '../transfer-destination.ts';

export interface SkillCall {
  skill: CompiledSkill;
  input: Record<string, unknown>;
  conversation: ConversationRecord;
  config: CompiledConfig;
  /** What the person said that the call answers (a warm transfer's reason). */
  lastUtterance: string;
  signal?: AbortSignal;
}

export interface SkillOutcome {
  ok: boolean;
  /** What the model gets back. */
  output: Record<string, unknown>;
  /** Set when the skill hands the conversation to a person. */
  handoff?: { destination: string; reason: string; warm: boolean; summary: string | null };
}

/** What executors may use of the platform. */
export interface SkillEnvironment {
  skills: SkillStore;
  allowPrivateNetwork: boolean;
  fetchMaxBytes: number;
  /** Where emails go (the stored outbox when unset). */
  mailer?: Mailer;
  /** Looks up callers' addresses (the offline gazetteer when unset). */
  geocoder?: Geocoder;
  /** The org's connection to an integration provider (throws 409 integration_not_connected). */
  integration?(orgId: string, kind: string, signal?: AbortSignal): { provider: IntegrationProvider; context: ConnectionContext };
}

/**
 * One kind of skill: its execution settings, how to run it, and (optionally) the parameters it
 * collects when the operator gives none. Executors never throw for an outside failure: they
 * return `ok: false` with words the agent can say.
 */
export interface SkillKind {
  skillType: string;
  config: z.ZodObject;
  /** Normalize checked settings (may throw a validation error naming the field). */
  normalize?(config: Record<string, unknown>): Record<string, unknown>;
  defaultParameters?: Record<string, unknown>;
  /** The settings holding URLs it calls (e.g. `url`), checked against the outbound policy when the skill is saved. */
  urlSettings?: readonly string[];
  /** Parameters read from the outside system at save time (e.g. an MCP tool's inputSchema); may throw a validation error. */
  discoverParameters?(config: Record<string, unknown>, environment: SkillEnvironment): Promise<Record<string, unknown> | undefined>;
  execute(call: SkillCall, environment: SkillEnvironment): Promise<SkillOutcome>;
}

/** Words for the person when an outside system could not be reached. */
export const UNAVAILABLE = "I couldn't reach our system just now. I can take a message so someone gets back to you.";

export function invalidField(field: string, message: string): FlowyteError {
  return new FlowyteError('validation_error', `${field} ${message}`, { errors: [{ field, message }] });
}

/** A phone number or SIP URI in the form transfers use: E.164, with 10-digit US numbers normalized. */
export function normalizeDestination(value: string, field: string): string {
  const destination = transferDestinationOf(value);
  if (destination === null) throw invalidField(field, TRANSFER_DESTINATION_RULE);
  return destination;
}

/** Request headers an operator sets (stored, used, never shown again). */
export const headersSchema = z
  .record(z.string().min(1).max(100), z.string().max(4000))
  .refine((headers) => Object.keys(headers).length <= 20, 'at most 20 headers');
