/**
 * The package as npm ships it: pack the tarball, install it into an empty folder, and run
 * `npx flowyte` from another empty directory. Installing may compile better-sqlite3, hence the
 * long timeout.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, printedKey, ROOT, runCli, startServe, tempDir } from './support/cli.ts';

const INSTALL_TIMEOUT_MS = 10 * 60_000;
let work: string;
let installed: string;
let elsewhere: string;
const npx = (folder: string): [string, ...string[]] => ['npx', '--prefix', folder, '--no-install', 'flowyte'];

beforeAll(() => {
  work = tempDir('flowyte-package-');
  const tarballs = path.join(work, 'tarballs');
  installed = path.join(work, 'installed');
  elsewhere = path.join(work, 'elsewhere');
  for (const folder of [tarballs, installed, elsewhere]) fs.mkdirSync(folder);
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', tarballs], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as Array<{ filename: string }>;
  fs.writeFileSync(path.join(installed, 'package.json'), '{ "private": true }\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(tarballs, packed[0].filename)], { cwd: installed, stdio: 'ignore' });
}, INSTALL_TIMEOUT_MS);

// Removing the installed tree (thousands of files) can outlast the default hook timeout on a busy machine.
afterAll(() => fs.rmSync(work, { recursive: true, force: true }), INSTALL_TIMEOUT_MS);

describe('the installed package', () => {
  it('ships compiled JavaScript only and needs no TypeScript loader', () => {
    const flowyte = path.join(installed, 'node_modules', 'flowyte');
    const manifest = JSON.parse(fs.readFileSync(path.join(flowyte, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(manifest.dependencies).not.toHaveProperty('tsx');
    const files = (fs.readdirSync(flowyte, { recursive: true }) as string[]).filter((file) => !file.startsWith('node_modules'));
    expect(files.filter((file) => /\.[cm]?ts$/.test(file))).toEqual([]);
    expect(fs.readFileSync(path.join(flowyte, 'bin', 'flowyte.js'), 'utf8')).not.toContain('tsx');
  });

  it('serves from another directory with npx: OpenAPI, and REST with the printed key', async () => {
    const dataDir = path.join(work, 'serve-data');
    const port = await freePort();
    const server = await startServe(['--port', String(port), '--data-dir', dataDir], { cwd: elsewhere, command: npx(installed) });
    try {
      expect((await fetch(`http://127.0.0.1:${port}/api/v1/openapi.json`)).status).toBe(200);
      // The reference page's Redoc bundle comes from the installed dependency.
      const docs = await (await fetch(`http://127.0.0.1:${port}/docs`)).text();
      const script = docs.match(/src="(\/docs\/assets\/[^"]+)"/)?.[1];
      expect((await fetch(`http://127.0.0.1:${port}${script}`)).status).toBe(200);
      const account = await fetch(`http://127.0.0.1:${port}/api/v1/meta/account`, { headers: { Authorization: `Bearer ${printedKey(server.output)}` } });
      expect(account.status).toBe(200);
      expect((await account.json()).data.orgName).toBe('My organization');
    } finally {
      await server.stop();
    }
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });

  it('answers MCP over stdio with npx flowyte mcp', async () => {
    const dataDir = path.join(work, 'mcp-data');
    const init = await runCli(['init', '--name', 'Packed', '--data-dir', dataDir], { cwd: elsewhere, command: npx(installed) });
    expect(init.code).toBe(0);
    const [command, ...args] = npx(installed);
    const transport = new StdioClientTransport({
      command,
      args: [...args, 'mcp', '--data-dir', dataDir],
      cwd: elsewhere,
      env: { ...getDefaultEnvironment(), FLOWYTE_API_KEY: printedKey(init.stdout) },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'package-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const names = (await client.listTools()).tools.map((tool) => tool.name);
      expect(names).toContain('create_agent');
      const account = await client.callTool({ name: 'get_account', arguments: {} });
      expect((account.structuredContent as { orgName: string }).orgName).toBe('Packed');
    } finally {
      await client.close();
    }
  });
});
