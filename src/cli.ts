/** The `flowyte` command: serve | init | mcp | keys | sessions (see src/cli/program.ts). */
import { CommanderError } from 'commander';
import { buildProgram, USAGE_EXIT_CODE } from './cli/program.ts';

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed the help, the version or the usage error already.
    process.exitCode = error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
  } else {
    process.stderr.write(`flowyte: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
