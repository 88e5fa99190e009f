import WebSocket from 'ws';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

describe('flowyte serve', () => {
  it('creates the first org on an empty data dir, prints its key once, and serves it', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowyte-serve-'));
    const port = await freePort();
    const root = path.resolve(import.meta.dirname, '..');
    const child = spawn(process.execPath, ['bin/flowyte.js', 'serve'], {
      cwd: root,
      env: { ...process.env, FLOWYTE_DATA_DIR: dataDir, FLOWYTE_PORT: String(port) },
    });
    try {
      const output = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stderr.on('data', (chunk) => {
          text += chunk;
          if (text.includes('listening')) resolve(text);
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${text}`)));
      });
      const key = /FLOWYTE_API_KEY=(\S+)/.exec(output)?.[1];
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
    } finally {
      child.kill();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
