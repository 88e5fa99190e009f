#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ (built by `npm run build`, and at install and pack time).
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node 22.1+ keeps compiled code on disk so later starts skip compiling dist/ and its packages;
// Node 20 has no such cache, and the call is skipped there.
module.enableCompileCache?.();

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('flowyte: dist/cli.js is missing; in a checkout, run `npm run build` (npm install does it too)\n');
  process.exit(1);
}
await import(entry.href);
