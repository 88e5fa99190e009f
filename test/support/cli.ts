/** Run the built `flowyte` command as a user would: a child process, its output and exit code. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const BIN = path.join(ROOT, 'bin', 'flowyte.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A command line to run: `node <bin> args…` by default, or any program (e.g. npx) with its args. */
export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  command?: [program: string, ...args: string[]];
}

function start(args: string[], options: CliOptions): ChildProcessWithoutNullStreams {
  const [program, ...prefix] = options.command ?? [process.execPath, BIN];
  return spawn(program, [...prefix, ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env } });
}

/** Run to completion. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const child = start(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface Served {
  child: ChildProcessWithoutNullStreams;
  /** stderr up to the "listening" line. */
  output: string;
  stop(): Promise<void>;
}

/** `flowyte serve …`, resolved once it says it is listening. */
export async function startServe(args: string[], options: CliOptions = {}): Promise<Served> {
  const child = start(['serve', ...args], options);
  const output = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stderr.on('data', (chunk) => {
      text += chunk;
      if (text.includes('listening')) resolve(text);
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${text}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await exited;
  };
  return { child, output, stop };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix = 'flowyte-cli-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The secret key a bootstrap message printed. */
export function printedKey(text: string): string {
  const key = /FLOWYTE_API_KEY=(\S+)/.exec(text)?.[1];
  if (!key) throw new Error(`no FLOWYTE_API_KEY= in: ${text}`);
  return key;
}
