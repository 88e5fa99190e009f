/**
 * Text that outsiders wrote (crawled pages, callers, visitors) is fenced before a model reads it,
 * so that instructions inside it are recognisable as data. The fence name carries a random nonce
 * per result, so the text cannot close the fence itself.
 */
import { randomBytes } from 'node:crypto';

function fenceText(text: string, nonce: string): string {
  return `<untrusted-data-${nonce}>\n${text}\n</untrusted-data-${nonce}>`;
}

/** Copy of `value` with the string at `path` fenced; `a[].b` walks every element of array `a`. */
function fenceAt(value: unknown, steps: string[], nonce: string): unknown {
  if (steps.length === 0) return typeof value === 'string' ? fenceText(value, nonce) : value;
  const [step, ...rest] = steps;
  const isArrayStep = step.endsWith('[]');
  const key = isArrayStep ? step.slice(0, -2) : step;
  if (!value || typeof value !== 'object' || !(key in value)) return value;
  const record = value as Record<string, unknown>;
  const child = record[key];
  const next = isArrayStep && Array.isArray(child) ? child.map((item) => fenceAt(item, rest, nonce)) : fenceAt(child, rest, nonce);
  return { ...record, [key]: next };
}

/** Fence every untrusted field (paths like `content` or `chunks[].text`) of a tool result. */
export function fenceUntrusted(data: unknown, paths: string[]): unknown {
  if (paths.length === 0) return data;
  const nonce = randomBytes(6).toString('hex');
  return paths.reduce((current, path) => fenceAt(current, path.split('.'), nonce), data);
}
