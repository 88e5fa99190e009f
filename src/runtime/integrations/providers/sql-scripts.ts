/**
 * Setup scripts for a scoped database login: pure text generation (nothing here touches a database).
 * The engines write their own SQL; this module holds what both share: the request, the identifier
 * rule and the generated password.
 */
import { randomBytes } from 'node:crypto';

/** Names the scripts accept: plain identifiers only, so no quoting trick can change a statement. */
export const SCRIPT_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface SetupScriptRequest {
  database: string;
  readOnlyUser: string;
  writeUser: string;
  /** Tables the write login may INSERT into and UPDATE; none: no write script. */
  tables: string[];
  password: string;
}

export interface SetupScripts {
  readOnly: { user: string; sql: string };
  write: { user: string; tables: string[]; sql: string } | null;
}

/** A strong password (192 random bits, URL-safe base64): safe inside any SQL string literal. */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

/** The script's lines joined, each statement on its own line. */
export const script = (lines: (string | false)[]): string => `${lines.filter((line) => line !== false).join('\n')}\n`;
