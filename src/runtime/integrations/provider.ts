/**
 * What an integration provider is: how it connects (OAuth, an API key, or database credentials),
 * the ready-made actions it offers as skills, and, for providers whose data model can be read,
 * how to discover it into the normalized schema and run one of its operations for a binding.
 * Each provider lives in its own module under providers/ and is listed in providers.ts.
 */
import type { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Services } from '../../services.ts';
import type { NormalizedSchema, SchemaOperation } from './schema.ts';

/** The platform as providers see it. */
export type ProviderServices = Omit<Services, 'engine' | 'close'>;

/** What a provider works with for one org: its decrypted credentials and the platform. */
export interface ConnectionContext {
  orgId: string;
  kind: string;
  credentials: Record<string, unknown>;
  services: ProviderServices;
  signal?: AbortSignal;
}

export interface ActionDefinition {
  slug: string;
  name: string;
  description: string;
  /** JSON Schema (type object) of what the agent collects from the person. */
  parametersSchema: Record<string, unknown>;
  /** Provisioned when the caller names no actions. */
  important: boolean;
  /** Reads only: no side effect in the provider. */
  readOnly: boolean;
  /** Settings an operator must fill before it can run (the skill lands disabled until then). */
  configNeeded: { key: string; description: string }[];
  /** Every operator setting it takes (all optional: configNeeded says which must be set), checked when the skill is saved. */
  settings?: z.ZodObject;
}

/** What an action or an operation returns to the skill that ran it. */
export interface ProviderResult {
  ok: boolean;
  output: Record<string, unknown>;
}

export interface OAuthSupport {
  /** Whether this deployment has the provider's OAuth app (client id and secret). */
  configured(config: Config): boolean;
  /** The consent page to send the browser to. */
  authorizeUrl(config: Config, state: string, redirectUri: string): string;
  /** Trade the code the browser brought back for credentials (`now` dates the tokens' expiry). */
  exchange(config: Config, code: string, redirectUri: string, now: Date): Promise<{ credentials: Record<string, unknown>; accountLabel: string | null }>;
}

export interface ConnectorPack {
  /** How the provider's operations behave, how to identify a caller, what is not possible. */
  guidance: { operations: string; callerIdentification: string; limits: string };
  presets: PackPreset[];
}

/** A ready-made skill of a pack: an action, or a binding over the discovered schema. */
export interface PackPreset {
  id: string;
  name: string;
  description: string;
  /** A provider action to provision… */
  action?: string;
  /** …or a binding (operation, inputs, projection) in the shape create_integration_binding takes. */
  binding?: Record<string, unknown>;
}

export interface IntegrationProvider {
  kind: string;
  name: string;
  category: string;
  description: string;
  /** A logo slug the dashboard maps to an image. */
  logo: string;
  auth: 'oauth' | 'api_key' | 'credentials';
  /** The credentials an api_key or credentials provider takes. */
  credentials?: z.ZodObject;
  /** Check credentials with the provider before they are stored; may return them normalized. */
  verify?(context: ConnectionContext): Promise<{ accountLabel: string | null; credentials?: Record<string, unknown> }>;
  oauth?: OAuthSupport;
  actions: ActionDefinition[];
  /** Run one action for a skill; `config` is the skill's operator settings. */
  runAction?(context: ConnectionContext, slug: string, input: Record<string, unknown>, config: Record<string, unknown>): Promise<ProviderResult>;
  /** Read the provider's data model. */
  discover?(context: ConnectionContext): Promise<NormalizedSchema>;
  /**
   * Run one discovered operation (taken from the stored schema) with its arguments. `select` lists
   * the field paths the binding projects, relative to the record (["starts_at"], or
   * ["company", "name"] through a reference). Answers the record (or null) for `returns: one`, the
   * records for `returns: many`; throws FlowyteError integration_error when the provider fails.
   */
  execute?(context: ConnectionContext, operation: SchemaOperation, args: Record<string, unknown>, select: string[][]): Promise<Record<string, unknown> | Record<string, unknown>[] | null>;
  /** Provider rules a binding must also meet (e.g. a SQL read filters on exactly one indexed column): the problems, empty when none. */
  checkBinding?(operation: SchemaOperation, mappedArgs: string[], select: string[][]): string[];
  pack?: ConnectorPack;
}
