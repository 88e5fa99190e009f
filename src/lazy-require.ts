/**
 * A CommonJS package loaded on its first use, for synchronous code whose package is too slow to
 * load at every start (an `await import()` would make the caller async).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A function that requires `specifier` when first called and returns the same module after. */
export function lazyRequire<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(specifier) as T);
}
