/**
 * Start-up of the compiled CLI (bin/flowyte.js → dist/), each figure beside `node -e 0` spawned in
 * the same run, so the ratio says what Flowyte adds to a bare Node start on this machine:
 *
 *   --help   spawn → exit of `flowyte --help`
 *   serve    spawn → first 200 on /api/v1/openapi.json, empty temp data dir
 *   mcp      spawn → the answer to a JSON-RPC `initialize` on stdout, key from `flowyte init`
 *   RSS      VmRSS of the serve process a moment after it answered, beside an idle `node`
 *
 * Every run builds dist/ first (the build script), so it measures the current sources.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ratio, table } from './stats.ts';

export const STARTUP_GOALS = { helpMs: 300, serveMs: 1500, mcpMs: 1000, idleRssMb: 150 };

export interface StartupPlan {
  /** Spawns per figure; the median is reported. */
  rounds: number;
  /** How long after the first 200 the server's RSS is read. */
  settleMs: number;
}

export interface StartupReport {
  baseline: { exitMs: number; idleRssMb: number };
  helpMs: number;
  serveMs: number;
  mcpMs: number;
  idleRssMb: number;
}

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'flowyte.js');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return kb / 1024;
}

/** Spawn → exit, in ms. */
async function timeToExit(args: string[]): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return performance.now() - started;
}

async function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill();
  await exited;
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'flowyte-startup-'));
}

/** Spawn → first 200 on openapi.json on an empty data dir; and the server's RSS once it settled. */
async function serveOnce(settleMs: number): Promise<{ ms: number; rssMb: number }> {
  const dataDir = tempDir();
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--data-dir', dataDir], { stdio: 'ignore' });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}`);
      const status = await fetch(`http://127.0.0.1:${port}/api/v1/openapi.json`).then((response) => response.status, () => 0);
      if (status === 200) break;
      await sleep(5);
    }
    const ms = performance.now() - started;
    await sleep(settleMs);
    return { ms, rssMb: rssMb(child.pid!) };
  } finally {
    await stopped(child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Spawn `flowyte mcp` → its answer to `initialize`, with a key that `flowyte init` made. */
async function mcpOnce(): Promise<number> {
  const dataDir = tempDir();
  const init = execFileSync(process.execPath, [BIN, 'init', '--data-dir', dataDir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const key = /FLOWYTE_API_KEY=(\S+)/.exec(init)?.[1];
  if (!key) throw new Error(`flowyte init printed no key: ${init}`);
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'mcp', '--data-dir', dataDir], { env: { ...process.env, FLOWYTE_API_KEY: key }, stdio: ['pipe', 'pipe', 'ignore'] });
  try {
    const answered = new Promise<void>((resolve, reject) => {
      let text = '';
      child.stdout!.on('data', (chunk) => {
        text += chunk;
        if (text.includes('"id":1')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`mcp exited with ${code}`)));
    });
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } };
    child.stdin!.write(`${JSON.stringify(initialize)}\n`);
    await answered;
    return performance.now() - started;
  } finally {
    await stopped(child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A bare `node` kept alive for as long as the server settles: the RSS baseline. */
async function idleNodeRssMb(settleMs: number): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await sleep(200 + settleMs);
    return rssMb(child.pid!);
  } finally {
    await stopped(child);
  }
}

export async function benchStartup(plan: StartupPlan, log: (message: string) => void): Promise<StartupReport> {
  log('startup: building dist/');
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  const exits: number[] = [];
  const helps: number[] = [];
  const serves: Array<{ ms: number; rssMb: number }> = [];
  const mcps: number[] = [];
  // Baseline and subject alternate, so a noisy neighbour disturbs both alike.
  for (let round = 0; round < plan.rounds; round++) {
    log(`startup: round ${round + 1}/${plan.rounds}`);
    exits.push(await timeToExit(['-e', '0']));
    helps.push(await timeToExit([BIN, '--help']));
    serves.push(await serveOnce(plan.settleMs));
    mcps.push(await mcpOnce());
  }
  return {
    baseline: { exitMs: median(exits), idleRssMb: await idleNodeRssMb(plan.settleMs) },
    helpMs: median(helps),
    serveMs: median(serves.map((serve) => serve.ms)),
    mcpMs: median(mcps),
    idleRssMb: median(serves.map((serve) => serve.rssMb)),
  };
}

export function startupReport(report: StartupReport, rounds: number): string {
  const { baseline } = report;
  const time = (value: number) => `${value.toFixed(0)} ms`;
  const mb = (value: number) => `${value.toFixed(0)} MB`;
  return (
    `Start-up of the compiled CLI, median of ${rounds} spawns each, beside \`node -e 0\` (${time(baseline.exitMs)}) and an idle node (${mb(baseline.idleRssMb)}):\n` +
    table([
      ['Figure', 'Flowyte', 'node', 'ratio'],
      ['flowyte --help, spawn → exit', time(report.helpMs), time(baseline.exitMs), `×${ratio(report.helpMs / baseline.exitMs)}`],
      ['serve, spawn → first 200 on openapi.json', time(report.serveMs), time(baseline.exitMs), `×${ratio(report.serveMs / baseline.exitMs)}`],
      ['mcp, spawn → initialize answered', time(report.mcpMs), time(baseline.exitMs), `×${ratio(report.mcpMs / baseline.exitMs)}`],
      ['serve idle RSS after start', mb(report.idleRssMb), mb(baseline.idleRssMb), `×${ratio(report.idleRssMb / baseline.idleRssMb)}`],
    ])
  );
}

export function startupGoals(report: StartupReport): string[] {
  const goal = (label: string, measured: number, limit: number, unit: string) =>
    `GOAL ${label} ≤ ${limit} ${unit}: measured ${measured.toFixed(0)} ${unit} → ${measured <= limit ? 'PASS' : 'MISS'}`;
  return [
    goal('flowyte --help', report.helpMs, STARTUP_GOALS.helpMs, 'ms'),
    goal('serve to the first 200', report.serveMs, STARTUP_GOALS.serveMs, 'ms'),
    goal('mcp to the initialize answer', report.mcpMs, STARTUP_GOALS.mcpMs, 'ms'),
    goal('serve idle RSS', report.idleRssMb, STARTUP_GOALS.idleRssMb, 'MB'),
  ];
}
