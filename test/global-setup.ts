/** Compile dist/ once before the suite: the CLI tests spawn the built package, as users run it. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export function setup(): void {
  execFileSync(process.execPath, [path.resolve(import.meta.dirname, '..', 'scripts', 'build.mjs')], { stdio: 'inherit' });
}
