/**
 * The README's quickstart, run as written. The rule for which blocks run (stated in the README
 * source too): every fenced block whose info string is exactly `bash quickstart`, in order, in one
 * bash session with `set -euo pipefail`, against a fresh server on a fresh data dir, with
 * FLOWYTE_API_KEY and BASE set.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const QUICKSTART_INFO = 'bash quickstart';
/** What the final answer must say: a fact only the quickstart's price list holds. */
const KNOWLEDGE_FACT = /\$95/;

/** The bodies of the fenced blocks whose info string is exactly `bash quickstart`, in order. */
function quickstartBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const fence = /^```(.*)\n([\s\S]*?)^```\s*$/gm;
  for (const match of markdown.matchAll(fence)) {
    if (match[1].trim() === QUICKSTART_INFO) blocks.push(match[2]);
  }
  return blocks;
}

const marker = (index: number) => `@@quickstart-block-${index + 1}@@`;

/** One script: the blocks in order, each preceded by a marker line on stdout and stderr. */
function quickstartScript(blocks: string[]): string {
  const parts = blocks.map((block, index) => `echo '${marker(index)}'; echo '${marker(index)}' >&2\n${block}`);
  return `set -euo pipefail\n${parts.join('\n')}\necho '@@quickstart-end@@'\n`;
}

/** The part of an output that a block wrote (after its marker, before the next). */
function outputOf(text: string, index: number): string {
  const start = text.lastIndexOf(marker(index));
  if (start < 0) return '';
  const rest = text.slice(start + marker(index).length);
  const next = rest.search(/@@quickstart-(block-\d+|end)@@/);
  return (next < 0 ? rest : rest.slice(0, next)).trim();
}

/** The index of the last block that started, from the markers in an output. */
function lastStartedBlock(text: string, count: number): number {
  for (let index = count - 1; index >= 0; index -= 1) if (text.includes(marker(index))) return index;
  return -1;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

interface Server {
  child: ChildProcess;
  apiKey: string;
  base: string;
}

/**
 * Start `flowyte serve` on a fresh data dir and port, and read the key it prints on first start.
 * The one place that knows how the server is launched.
 */
async function startServer(dataDir: string): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/flowyte.js', 'serve'], {
    cwd: ROOT,
    env: { ...process.env, FLOWYTE_DATA_DIR: dataDir, FLOWYTE_PORT: String(port), FLOWYTE_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = await new Promise<string>((resolve, reject) => {
    let text = '';
    const collect = (chunk: Buffer) => {
      text += chunk;
      if (text.includes('listening')) resolve(text);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.on('exit', (code) => reject(new Error(`flowyte serve exited ${code}: ${text}`)));
  });
  const apiKey = /FLOWYTE_API_KEY=(\S+)/.exec(output)?.[1];
  if (!apiKey) throw new Error(`flowyte serve printed no FLOWYTE_API_KEY:\n${output}`);
  return { child, apiKey, base: `http://127.0.0.1:${port}/api/v1` };
}

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

function runBash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('README quickstart', () => {
  let dataDir: string;
  let workDir: string;
  let server: Server | undefined;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowyte-quickstart-data-'));
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowyte-quickstart-work-'));
    server = await startServer(dataDir);
  }, 60_000);

  afterAll(() => {
    server?.child.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('has the tools it needs (curl and jq) and blocks to run', () => {
    for (const command of ['bash', 'curl', 'jq']) expect(hasCommand(command), `${command} must be installed to run the quickstart`).toBe(true);
    expect(quickstartBlocks(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).length).toBeGreaterThan(3);
  });

  it('runs every block in order against a fresh server, and the live agent answers from its knowledge', async () => {
    const blocks = quickstartBlocks(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
    const result = await runBash(quickstartScript(blocks), workDir, {
      PATH: process.env.PATH,
      HOME: workDir,
      FLOWYTE_API_KEY: server!.apiKey,
      BASE: server!.base,
    });
    if (result.code !== 0) {
      const failed = lastStartedBlock(result.stdout, blocks.length);
      throw new Error(
        `quickstart block ${failed + 1} of ${blocks.length} exited ${result.code}:\n${blocks[failed] ?? '(before the first block)'}\n` +
          `--- its stdout ---\n${outputOf(result.stdout, failed)}\n--- its stderr ---\n${outputOf(result.stderr, failed)}`,
      );
    }
    expect(result.stdout).toContain('@@quickstart-end@@');
    const answer = outputOf(result.stdout, blocks.length - 1);
    expect(answer, `the last block's output should carry the answer from the price list:\n${answer}`).toMatch(KNOWLEDGE_FACT);
  }, 120_000);
});
