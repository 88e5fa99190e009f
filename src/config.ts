/** All configuration, read from the environment once. Every variable is listed in the README. */
import path from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** SQLite file; ':memory:' for an in-memory store. */
  databaseFile: string;
  /** Requests per minute allowed per org, and per key (or session, or publishable key). */
  orgRateLimitPerMinute: number;
  keyRateLimitPerMinute: number;
  maxBodyBytes: number;
  /** Origins allowed to call /mcp from a browser (besides requests with no Origin header). */
  mcpAllowedOrigins: string[];
  /** The secret key `flowyte mcp` (stdio) acts as. */
  apiKey?: string;
  /** Seconds a destructive MCP call's confirmation_id stays valid. */
  confirmationTtlSeconds: number;
  publicBaseUrl: string;
}

function integer(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return parsed;
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);
}

/** Read the configuration from an environment (process.env by default). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = integer(env.FLOWYTE_PORT, 8787, 'FLOWYTE_PORT');
  const host = env.FLOWYTE_HOST || '127.0.0.1';
  const dataDir = path.resolve(env.FLOWYTE_DATA_DIR || '.flowyte');
  return {
    port,
    host,
    dataDir,
    databaseFile: env.FLOWYTE_DATABASE === ':memory:' ? ':memory:' : path.join(dataDir, 'flowyte.db'),
    orgRateLimitPerMinute: integer(env.FLOWYTE_ORG_RATE_LIMIT_PER_MINUTE, 1200, 'FLOWYTE_ORG_RATE_LIMIT_PER_MINUTE'),
    keyRateLimitPerMinute: integer(env.FLOWYTE_KEY_RATE_LIMIT_PER_MINUTE, 600, 'FLOWYTE_KEY_RATE_LIMIT_PER_MINUTE'),
    maxBodyBytes: integer(env.FLOWYTE_MAX_BODY_BYTES, 1024 * 1024, 'FLOWYTE_MAX_BODY_BYTES'),
    mcpAllowedOrigins: list(env.FLOWYTE_MCP_ALLOWED_ORIGINS),
    apiKey: env.FLOWYTE_API_KEY || undefined,
    confirmationTtlSeconds: integer(env.FLOWYTE_CONFIRMATION_TTL_SECONDS, 300, 'FLOWYTE_CONFIRMATION_TTL_SECONDS'),
    publicBaseUrl: env.FLOWYTE_PUBLIC_URL || `http://${host}:${port}`,
  };
}
