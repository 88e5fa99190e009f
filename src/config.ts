/** All configuration, read from the environment once. Every variable is listed in docs/configuration.md. */
import os from 'node:os';
import path from 'node:path';

/** Whether the deployment takes money from the org wallets: `off` (self-hosted default) meters only. */
export type BillingMode = 'off' | 'prepaid';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** SQLite file; ':memory:' for an in-memory store. */
  databaseFile: string;
  /** Requests per minute allowed per org, and per key (or session, or publishable key). */
  orgRateLimitPerMinute: number;
  keyRateLimitPerMinute: number;
  /** Failed authentications allowed per source address and minute before it gets 429 (0: no limit). */
  authFailuresPerMinute: number;
  /** Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client's address. */
  trustedProxies: string[];
  maxBodyBytes: number;
  /** Origins allowed to call /mcp from a browser (besides requests with no Origin header). */
  mcpAllowedOrigins: string[];
  /** Host names /mcp answers to besides localhost and the public URL's host (DNS-rebinding defence). */
  mcpAllowedHosts: string[];
  /** The secret key `flowyte mcp` (stdio) acts as. */
  apiKey?: string;
  /** Seconds a destructive MCP call's confirmation_id stays valid. */
  confirmationTtlSeconds: number;
  publicBaseUrl: string;
  /** Let outbound fetches reach private and loopback addresses: local development and tests only. */
  allowPrivateNetwork: boolean;
  fetchTimeoutMs: number;
  fetchMaxBytes: number;
  /** Hours an upload waits to be attached before it is collected. */
  uploadTtlHours: number;
  embeddings: {
    provider: 'local' | 'openai';
    dimensions: number;
    baseUrl: string;
    apiKey?: string;
    model: string;
  };
  /** The language model the runtime talks to: the embedded local model, or an OpenAI-compatible server. */
  model: {
    provider: 'local' | 'openai';
    /** Chat-completions base URL (OpenAI's, or Ollama, vLLM, llama.cpp, LM Studio…). */
    baseUrl: string;
    apiKey?: string;
    name: string;
  };
  /** Per-turn caps of the conversation engine. */
  maxToolCallsPerTurn: number;
  maxModelStepsPerTurn: number;
  /** Minutes without activity after which an open conversation is ended. */
  sessionIdleMinutes: number;
  jobLeaseMs: number;
  jobPollMs: number;
  /** Multiplies the webhook retry schedule: 1 in production; tests shorten it. */
  webhookRetryScale: number;
  /** SMTP server email skills deliver through (`smtp://user:pass@host:587`, `smtps://…`); unset: the stored outbox only. */
  smtpUrl?: string;
  /** The From address of emails the platform sends. */
  emailFrom: string;
  /** The US Census Bureau geocoder's base URL for callers' street addresses; unset: the offline ZIP/city gazetteer. */
  geocoderBaseUrl?: string;
  /** The key (32 bytes, base64) that seals integration credentials; unset: a key file in the data directory. */
  integrationsKey?: string;
  /** The deployment's Google OAuth app (Calendar and Sheets); unset: those providers answer integration_unavailable. */
  googleClientId?: string;
  googleClientSecret?: string;
  /** One origin for every Google endpoint (consent, token, userinfo, Calendar, Sheets); tests point it at a local server. */
  googleApiBaseUrl?: string;
  /** Another origin for every shop's Admin API (tests point it at a local server); unset: https://{shop}. */
  shopifyApiBaseUrl?: string;
  /** The GraphQL endpoint of the field-service software the field_service provider connects to; unset: it answers integration_unavailable. */
  fieldServiceUrl?: string;
  /** Stripe secret key for card payments; unset: the sandbox provider (test-mode payments settled through the API). */
  stripeSecretKey?: string;
  /** Signing secret of the Stripe webhook endpoint (whsec_…). */
  stripeWebhookSecret?: string;
  /** Another Stripe API origin (tests point it at a local server). */
  stripeApiBaseUrl?: string;
  /**
   * `prepaid`: the wallet pays for usage, plan fees and numbers, and an empty one refuses live work
   * (402). `off`: usage is metered and priced the same, but nothing is taken or refused.
   */
  billing: BillingMode;
  /** The carrier phone numbers come from: the embedded sandbox (fictional numbers, simulated calls) is the only one so far. */
  carrier: 'sandbox';
  /** The least severe operator log line written to stderr (FLOWYTE_LOG_LEVEL). */
  logLevel: LogLevel;
}

/** pino's levels, plus `silent` to write nothing. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function logLevel(value: string | undefined): LogLevel {
  if (value === undefined || value === '') return 'info';
  const level = value.toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  throw new Error(`FLOWYTE_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
}

function integer(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return parsed;
}

function positiveNumber(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${name} must be a positive number, got "${value}"`);
  return parsed;
}

function carrier(value: string | undefined): Config['carrier'] {
  if (value === undefined || value === '' || value === 'sandbox') return 'sandbox';
  throw new Error(`FLOWYTE_CARRIER must be "sandbox" (the only carrier built in), got "${value}"`);
}

function billing(value: string | undefined): BillingMode {
  if (value === undefined || value === '' || value === 'off') return 'off';
  if (value === 'prepaid') return 'prepaid';
  throw new Error(`FLOWYTE_BILLING must be "off" (the default) or "prepaid", got "${value}"`);
}

function flag(value: string | undefined): boolean {
  return ['1', 'true', 'yes'].includes((value ?? '').toLowerCase());
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);
}

/**
 * Where the data lives unless FLOWYTE_DATA_DIR says otherwise: one absolute per-user place (the XDG
 * base directory), so that every command finds the same database whatever directory it runs in.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const dataHome = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(env.HOME || os.homedir(), '.local', 'share');
  return path.join(dataHome, 'flowyte');
}

/** Read the configuration from an environment (process.env by default). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = integer(env.FLOWYTE_PORT, 8787, 'FLOWYTE_PORT');
  const host = env.FLOWYTE_HOST || '127.0.0.1';
  const dataDir = path.resolve(env.FLOWYTE_DATA_DIR || defaultDataDir(env));
  return {
    port,
    host,
    dataDir,
    databaseFile: env.FLOWYTE_DATABASE === ':memory:' ? ':memory:' : path.join(dataDir, 'flowyte.db'),
    orgRateLimitPerMinute: integer(env.FLOWYTE_ORG_RATE_LIMIT_PER_MINUTE, 1200, 'FLOWYTE_ORG_RATE_LIMIT_PER_MINUTE'),
    keyRateLimitPerMinute: integer(env.FLOWYTE_KEY_RATE_LIMIT_PER_MINUTE, 600, 'FLOWYTE_KEY_RATE_LIMIT_PER_MINUTE'),
    authFailuresPerMinute: integer(env.FLOWYTE_AUTH_FAILURES_PER_MINUTE, 20, 'FLOWYTE_AUTH_FAILURES_PER_MINUTE'),
    trustedProxies: list(env.FLOWYTE_TRUSTED_PROXIES),
    maxBodyBytes: integer(env.FLOWYTE_MAX_BODY_BYTES, 1024 * 1024, 'FLOWYTE_MAX_BODY_BYTES'),
    mcpAllowedOrigins: list(env.FLOWYTE_MCP_ALLOWED_ORIGINS),
    mcpAllowedHosts: list(env.FLOWYTE_MCP_ALLOWED_HOSTS),
    apiKey: env.FLOWYTE_API_KEY || undefined,
    confirmationTtlSeconds: integer(env.FLOWYTE_CONFIRMATION_TTL_SECONDS, 300, 'FLOWYTE_CONFIRMATION_TTL_SECONDS'),
    publicBaseUrl: env.FLOWYTE_PUBLIC_URL || `http://${host}:${port}`,
    allowPrivateNetwork: flag(env.FLOWYTE_ALLOW_PRIVATE_NETWORK),
    fetchTimeoutMs: integer(env.FLOWYTE_FETCH_TIMEOUT_MS, 15_000, 'FLOWYTE_FETCH_TIMEOUT_MS'),
    fetchMaxBytes: integer(env.FLOWYTE_FETCH_MAX_BYTES, 10 * 1024 * 1024, 'FLOWYTE_FETCH_MAX_BYTES'),
    uploadTtlHours: integer(env.FLOWYTE_UPLOAD_TTL_HOURS, 24, 'FLOWYTE_UPLOAD_TTL_HOURS'),
    embeddings: {
      provider: env.FLOWYTE_EMBEDDINGS_BASE_URL ? 'openai' : 'local',
      dimensions: integer(env.FLOWYTE_EMBEDDING_DIMENSIONS, 384, 'FLOWYTE_EMBEDDING_DIMENSIONS'),
      baseUrl: env.FLOWYTE_EMBEDDINGS_BASE_URL || '',
      apiKey: env.FLOWYTE_EMBEDDINGS_API_KEY || env.OPENAI_API_KEY || undefined,
      model: env.FLOWYTE_EMBEDDINGS_MODEL || 'text-embedding-3-small',
    },
    model: {
      provider: env.FLOWYTE_MODEL_BASE_URL ? 'openai' : 'local',
      baseUrl: env.FLOWYTE_MODEL_BASE_URL || '',
      apiKey: env.FLOWYTE_MODEL_API_KEY || env.OPENAI_API_KEY || undefined,
      name: env.FLOWYTE_MODEL || 'gpt-4o-mini',
    },
    maxToolCallsPerTurn: integer(env.FLOWYTE_MAX_TOOL_CALLS_PER_TURN, 8, 'FLOWYTE_MAX_TOOL_CALLS_PER_TURN'),
    maxModelStepsPerTurn: integer(env.FLOWYTE_MAX_MODEL_STEPS_PER_TURN, 6, 'FLOWYTE_MAX_MODEL_STEPS_PER_TURN'),
    sessionIdleMinutes: integer(env.FLOWYTE_SESSION_IDLE_MINUTES, 30, 'FLOWYTE_SESSION_IDLE_MINUTES'),
    jobLeaseMs: integer(env.FLOWYTE_JOB_LEASE_MS, 30_000, 'FLOWYTE_JOB_LEASE_MS'),
    jobPollMs: integer(env.FLOWYTE_JOB_POLL_MS, 1000, 'FLOWYTE_JOB_POLL_MS'),
    webhookRetryScale: positiveNumber(env.FLOWYTE_WEBHOOK_RETRY_SCALE, 1, 'FLOWYTE_WEBHOOK_RETRY_SCALE'),
    smtpUrl: env.FLOWYTE_SMTP_URL || undefined,
    emailFrom: env.FLOWYTE_EMAIL_FROM || 'Flowyte <no-reply@localhost>',
    geocoderBaseUrl: env.FLOWYTE_GEOCODER_BASE_URL || undefined,
    integrationsKey: env.FLOWYTE_INTEGRATIONS_KEY || undefined,
    googleClientId: env.FLOWYTE_GOOGLE_CLIENT_ID || undefined,
    googleClientSecret: env.FLOWYTE_GOOGLE_CLIENT_SECRET || undefined,
    googleApiBaseUrl: env.FLOWYTE_GOOGLE_API_BASE_URL || undefined,
    shopifyApiBaseUrl: env.FLOWYTE_SHOPIFY_API_BASE_URL || undefined,
    fieldServiceUrl: env.FLOWYTE_FIELD_SERVICE_URL || undefined,
    stripeSecretKey: env.FLOWYTE_STRIPE_SECRET_KEY || undefined,
    stripeWebhookSecret: env.FLOWYTE_STRIPE_WEBHOOK_SECRET || undefined,
    stripeApiBaseUrl: env.FLOWYTE_STRIPE_API_BASE_URL || undefined,
    billing: billing(env.FLOWYTE_BILLING),
    carrier: carrier(env.FLOWYTE_CARRIER),
    logLevel: logLevel(env.FLOWYTE_LOG_LEVEL),
  };
}
