/**
 * Where the package's own files are (db/, the widget script, the build guide) and its version.
 * Sources run from src/ in development and bundled from dist/ once packed, so a path relative
 * to one module's URL would differ between the two: walk up to the package.json instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackage(from: string): { root: string; version: string } {
  for (let directory = from; ; directory = path.dirname(directory)) {
    const file = path.join(directory, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'flowyte') return { root: directory, version: manifest.version ?? '0.0.0' };
    }
    if (path.dirname(directory) === directory) throw new Error(`no package.json named "flowyte" above ${from}`);
  }
}

const found = findPackage(path.dirname(fileURLToPath(import.meta.url)));

/** The package's root directory (the one holding its package.json). */
export const PACKAGE_ROOT = found.root;
/** The version in the package's package.json. */
export const PACKAGE_VERSION = found.version;

/** A path inside the package, e.g. `packagePath('db', 'migrations')`. */
export function packagePath(...segments: string[]): string {
  return path.join(PACKAGE_ROOT, ...segments);
}
