#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ (built by `npm run build`, and at install and pack time).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('flowyte: dist/cli.js is missing; in a checkout, run `npm run build` (npm install does it too)\n');
  process.exit(1);
}
await import(entry.href);
