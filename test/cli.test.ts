import WebSocket from 'ws';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, printedKey, ROOT, runCli, startServe, tempDir, type Served } from './support/cli.ts';

const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
function dir(): string {
  const created = tempDir();
  cleanups.push(() => fs.rmSync(created, { recursive: true, force: true }));
  return created;
}
function served(server: Served): Served {
  cleanups.push(server.stop);
  return server;
}

describe('flowyte command line', () => {
  it('prints help for --help and -h, and exits 0', async () => {
    for (const flag of ['--help', '-h']) {
      const result = await runCli([flag]);
      expect(result.code).toBe(0);
      for (const command of ['serve', 'init', 'mcp', 'keys', 'sessions']) expect(result.stdout).toContain(command);
    }
  });

  it("prints package.json's version for --version and -V", async () => {
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag]);
      expect(result).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    }
  });

  it('prints a command’s own help without running it', async () => {
    const missing = path.join(dir(), 'never-created');
    const serve = await runCli(['serve', '--help', '--port', String(await freePort()), '--data-dir', missing]);
    expect(serve.code).toBe(0);
    expect(serve.stdout).toContain('--port <port>');
    expect(serve.stderr).not.toContain('listening');
    expect(fs.existsSync(missing)).toBe(false);
    const init = await runCli(['init', '--help']);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('--email <email>');
    expect((await runCli(['keys', 'create', '--help'])).stdout).toContain('--scopes <scopes>');
  });

  it('suggests the closest flag or command for a typo and exits 2', async () => {
    const flag = await runCli(['serve', '--prot', '8080']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--prot'");
    expect(flag.stderr).toContain('--port');
    const command = await runCli(['serv']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('Did you mean serve?');
  });

  it('refuses a port that is not a number with a usage error', async () => {
    const result = await runCli(['serve', '--port', 'abc', '--data-dir', path.join(dir(), 'unused')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'abc' is invalid");
  });
});

describe('flowyte serve', () => {
  it('creates the first org on an empty data dir, prints its key once, and serves it', async () => {
    const dataDir = dir();
    const port = await freePort();
    const server = served(await startServe([], { env: { FLOWYTE_DATA_DIR: dataDir, FLOWYTE_PORT: String(port) } }));
    const key = printedKey(server.output);
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/meta/account`, { headers: { Authorization: `Bearer ${key}` } });
    expect(response.status).toBe(200);
    expect((await response.json()).data.orgName).toBe('My organization');
    // The in-browser voice room is served too: without a valid talk token it refuses the upgrade.
    const refused = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/talk?token=forged`);
      socket.on('unexpected-response', (_request, reply) => resolve(reply.statusCode ?? 0));
      socket.on('open', () => reject(new Error('a forged talk token opened a room')));
    });
    expect(refused).toBe(401);
  });

  it('listens on --port and opens --data-dir, over the environment, and says which directory', async () => {
    const dataDir = path.join(dir(), 'data');
    const port = await freePort();
    const server = served(await startServe(['--port', String(port), '--data-dir', dataDir], { env: { FLOWYTE_DATA_DIR: dir(), FLOWYTE_PORT: '1' } }));
    expect(server.output).toContain(`Flowyte data directory: ${dataDir}`);
    expect(server.output).toContain(`http://127.0.0.1:${port}`);
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/openapi.json`)).status).toBe(200);
    expect(fs.existsSync(path.join(dataDir, 'flowyte.db'))).toBe(true);
  });
});

describe('the data directory', () => {
  it('defaults to $XDG_DATA_HOME/flowyte, else ~/.local/share/flowyte, never the working directory', async () => {
    const home = dir();
    const cwd = dir();
    const plain = await runCli(['init'], { cwd, env: { HOME: home, XDG_DATA_HOME: '', FLOWYTE_DATA_DIR: '' } });
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain(path.join(home, '.local', 'share', 'flowyte'));
    expect(fs.existsSync(path.join(home, '.local', 'share', 'flowyte', 'flowyte.db'))).toBe(true);
    const xdg = dir();
    const withXdg = await runCli(['init'], { cwd, env: { HOME: home, XDG_DATA_HOME: xdg, FLOWYTE_DATA_DIR: '' } });
    expect(withXdg.stderr).toContain(path.join(xdg, 'flowyte'));
    expect(fs.existsSync(path.join(xdg, 'flowyte', 'flowyte.db'))).toBe(true);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it('names the directory and how to init it when a command finds no org, and leaves nothing behind', async () => {
    const parent = dir();
    const missing = path.join(parent, 'missing');
    for (const args of [['keys', 'list'], ['sessions', 'create'], ['mcp']]) {
      const result = await runCli([...args, '--data-dir', missing], { env: { FLOWYTE_API_KEY: 'flowyte_sk_whatever' } });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`no organization in the data directory ${missing}`);
      expect(result.stderr).toContain(`flowyte init --data-dir ${missing}`);
    }
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  it('says the key is not valid in this data directory when mcp gets a key from elsewhere', async () => {
    const dataDir = dir();
    expect((await runCli(['init', '--data-dir', dataDir])).code).toBe(0);
    const result = await runCli(['mcp', '--data-dir', dataDir], { env: { FLOWYTE_API_KEY: 'flowyte_sk_from_another_place' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`not valid in the data directory ${dataDir}`);
  });

  it('asks which org with --org when the data directory holds several', async () => {
    const dataDir = dir();
    const first = await runCli(['init', '--name', 'First', '--data-dir', dataDir]);
    await runCli(['init', '--name', 'Second', '--data-dir', dataDir]);
    const result = await runCli(['keys', 'list', '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('holds 2 organizations: pass --org');
    expect(result.stderr).toContain('(First)');
    const unknown = await runCli(['keys', 'list', '--org', 'org_nope', '--data-dir', dataDir]);
    expect(unknown.stderr).toContain('no organization org_nope');
    expect(first.stdout).toMatch(/Created organization org_\S+ \(First\)/);
  });
});
