/**
 * The `flowyte` command line, on commander. This module loads only commander: each command's
 * action imports what it needs when it runs, so `flowyte --help` and `--version` start at once and
 * `flowyte mcp` never loads the HTTP server.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { PACKAGE_VERSION } from '../package-root.ts';

/** Exit code of a misused command line (unknown command or flag, bad value): 2, as most tools use. */
export const USAGE_EXIT_CODE = 2;

function portNumber(value: string): string {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535) throw new InvalidArgumentError('A port is a number from 0 to 65535.');
  return value;
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('Expected a whole number.');
  return Number(value);
}

function commaList(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter(Boolean);
}

const dataDirOption = () => new Option('--data-dir <dir>', 'the data directory (default: FLOWYTE_DATA_DIR, else $XDG_DATA_HOME/flowyte or ~/.local/share/flowyte)');

/** The flags every `keys` and `sessions` command takes. */
function hostCommand(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .addOption(dataDirOption())
    .option('--org <id>', 'the organization to act on, when the data directory holds more than one')
    .option('--json', 'print the result as JSON');
}

function keysCommand(program: Command): void {
  const keys = program.command('keys').description("manage the organization's secret keys (as its owner, on the host)");
  hostCommand(keys, 'create', 'create a secret key; prints its secret once')
    .requiredOption('--name <name>', 'what the key is for, e.g. ci')
    .requiredOption('--scopes <scopes>', 'comma-separated scopes, e.g. agents:read,knowledge:write', commaList)
    .option('--expires-at <time>', 'when the key stops working (ISO 8601); default: never')
    .action(async (flags) => (await import('./credential-actions.ts')).createKey(flags));
  hostCommand(keys, 'list', 'list the secret keys (never their secrets)').action(async (flags) => (await import('./credential-actions.ts')).listKeys(flags));
  hostCommand(keys, 'rotate', 'give a key a new secret; the old one works for a grace period')
    .argument('<id>', 'the key id (key_…)')
    .option('--grace-seconds <seconds>', 'how long the previous secret keeps working', wholeNumber)
    .action(async (id: string, flags) => (await import('./credential-actions.ts')).rotateKey(id, flags));
  hostCommand(keys, 'revoke', 'revoke a key at once')
    .argument('<id>', 'the key id (key_…)')
    .action(async (id: string, flags) => (await import('./credential-actions.ts')).revokeKey(id, flags));
}

function sessionsCommand(program: Command): void {
  const sessions = program.command('sessions').description("manage the owner's dashboard sessions (on the host)");
  hostCommand(sessions, 'create', 'create a dashboard session; prints its token once')
    .option('--days <days>', 'days until it expires', wholeNumber)
    .action(async (flags) => (await import('./credential-actions.ts')).createSession(flags));
  hostCommand(sessions, 'list', 'list the dashboard sessions').action(async (flags) => (await import('./credential-actions.ts')).listSessions(flags));
  hostCommand(sessions, 'renew', 'extend a session')
    .argument('<id>', 'the session id (sess_…)')
    .option('--days <days>', 'days from now until it expires', wholeNumber)
    .action(async (id: string, flags) => (await import('./credential-actions.ts')).renewSession(id, flags));
  hostCommand(sessions, 'revoke', 'end a session at once')
    .argument('<id>', 'the session id (sess_…)')
    .action(async (id: string, flags) => (await import('./credential-actions.ts')).revokeSession(id, flags));
}

/** The whole command line. Usage errors throw a CommanderError (exitOverride) instead of exiting. */
export function buildProgram(): Command {
  const program = new Command('flowyte')
    .description('Flowyte: AI voice and chat agents behind one API, served as REST, MCP and OpenAPI.')
    .version(PACKAGE_VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .showSuggestionAfterError(true)
    .exitOverride()
    .addHelpText('after', '\nExit codes: 0 success, 1 the command failed, 2 the command line is wrong.\nRun `flowyte <command> --help` for a command\'s flags.');

  program
    .command('serve')
    .description('start the API (/api/v1), MCP (/mcp), the docs (/docs) and the voice room; an empty data directory gets its first organization')
    .option('--port <port>', 'port to listen on (default: FLOWYTE_PORT, else 8787)', portNumber)
    .option('--host <host>', 'address to listen on (default: FLOWYTE_HOST, else 127.0.0.1)')
    .addOption(dataDirOption())
    .action(async (flags) => (await import('./serve.ts')).serveCommand(flags));

  program
    .command('init')
    .description('create an organization; prints its secret key and a dashboard session token')
    .option('--name <name>', "the organization's name", 'My organization')
    .option('--email <email>', "the owner's email", 'owner@example.com')
    .addOption(dataDirOption())
    .action(async (flags) => (await import('./init.ts')).initCommand(flags));

  program
    .command('mcp')
    .description('serve MCP over stdio, acting as the secret key in FLOWYTE_API_KEY')
    .option('--toolsets <names>', 'comma-separated toolsets to expose (or all); default: the default profile')
    .option('--tools <names>', 'comma-separated tools to expose, besides any --toolsets (alone: exactly these)')
    .option('--agent <id>', 'work on one agent (agt_…): its id is filled in, tools across agents are not listed')
    .option('--read-only', 'expose read-only tools only (wins over everything else)')
    .addOption(new Option('--profile <profile>', 'discovery: reach every tool through search_tools, describe_tool and call_tool').choices(['default', 'discovery']))
    .addOption(dataDirOption())
    .action(async (flags) => (await import('./mcp.ts')).mcpCommand(flags));

  keysCommand(program);
  sessionsCommand(program);
  return program;
}
