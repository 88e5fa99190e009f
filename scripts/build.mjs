#!/usr/bin/env node
// Compiles the TypeScript sources to the JavaScript the package runs (dist/), so an installed
// flowyte needs no TypeScript loader. Plain JS: it must run before anything is compiled.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist');

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/cli.ts'],
  outdir,
  bundle: true,
  // Every npm dependency stays an import resolved from node_modules at run time.
  packages: 'external',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Each command's `import()` becomes its own chunk, so `flowyte --help` loads none of them.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});

// The /docs page's Redoc bundle ships inside dist/, so an installed flowyte serves it without
// redoc (and the React tree it peers with) among its runtime dependencies.
const assets = path.join(outdir, 'assets');
mkdirSync(assets, { recursive: true });
const require = createRequire(import.meta.url);
for (const file of ['redoc.standalone.js', 'redoc.standalone.js.LICENSE.txt']) {
  copyFileSync(require.resolve(`redoc/bundles/${file}`), path.join(assets, file));
}
