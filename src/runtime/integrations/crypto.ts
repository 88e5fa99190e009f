/**
 * Credentials at rest: AES-256-GCM under the deployment's integrations key, with the org and the
 * provider as associated data, so a sealed value only opens in the row it was written for.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.ts';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function seal(key: Buffer, associated: string, value: unknown): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associated));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function open<T>(key: Buffer, associated: string, sealed: Buffer): T {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(associated));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  const plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  return JSON.parse(plain.toString('utf8')) as T;
}

/** Where `flowyte init` (or the first start) keeps the generated key when none is configured. */
export const keyFile = (config: Pick<Config, 'dataDir'>) => path.join(config.dataDir, 'integrations.key');

/**
 * The integrations key: FLOWYTE_INTEGRATIONS_KEY (32 bytes, base64), else the key file in the data
 * directory, made on first use (readable by the owner only). An in-memory database gets a key
 * that lives as long as the process, like its data.
 */
export function integrationsKey(config: Pick<Config, 'dataDir' | 'databaseFile' | 'integrationsKey'>): Buffer {
  if (config.integrationsKey) return decodeKey(config.integrationsKey, 'FLOWYTE_INTEGRATIONS_KEY');
  if (config.databaseFile === ':memory:') return randomBytes(32);
  const file = keyFile(config);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return decodeKey(readFileSync(file, 'utf8').trim(), file);
}

function decodeKey(encoded: string, source: string): Buffer {
  const key = Buffer.from(encoded, 'base64');
  if (key.length !== 32) throw new Error(`${source} must hold 32 bytes, base64-encoded (openssl rand -base64 32)`);
  return key;
}
