/**
 * The processes working on this database. Each registers itself at start and beats every few
 * seconds; one that stopped beating (or, on the same host, whose pid is gone) is dead, and what it
 * held (an Idempotency-Key claim) may be taken over.
 */
import os from 'node:os';
import type { Db } from './db.ts';
import { newId } from '../ids.ts';

/** A process that has not beaten for this long is taken for dead. */
export const INSTANCE_LEASE_MS = 30_000;
const HEARTBEAT_MS = 10_000;

interface InstanceRow {
  host: string;
  pid: number;
  heartbeat_at: string;
}

/** Whether a process of this host with that pid is running (EPERM: it runs, as another user). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class InstanceStore {
  /** This process's instance id. */
  readonly id = newId('instance');
  private timer?: NodeJS.Timeout;

  constructor(private readonly db: Db, private readonly now: () => Date) {}

  /** Register this process and keep beating until `retire()`. */
  start(): void {
    const at = this.now().toISOString();
    const longGone = new Date(this.now().getTime() - 24 * 60 * 60 * 1000).toISOString();
    this.db.prepare('DELETE FROM instances WHERE heartbeat_at < ?').run(longGone);
    this.db
      .prepare('INSERT INTO instances (id, host, pid, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)')
      .run(this.id, os.hostname(), process.pid, at, at);
    this.timer = setInterval(() => this.beat(), HEARTBEAT_MS).unref();
  }

  beat(): void {
    this.db.prepare('UPDATE instances SET heartbeat_at = ? WHERE id = ?').run(this.now().toISOString(), this.id);
  }

  /** A clean stop: what this process held is free at once. */
  retire(): void {
    clearInterval(this.timer);
    this.db.prepare('DELETE FROM instances WHERE id = ?').run(this.id);
  }

  /**
   * Whether instance `id` is alive: registered, beating within the lease, and (on this host)
   * its pid still running. Unknown or null ids (claims older than instances) are dead.
   */
  alive(id: string | null): boolean {
    if (id === this.id) return true;
    if (!id) return false;
    const row = this.db.prepare('SELECT host, pid, heartbeat_at FROM instances WHERE id = ?').get(id) as InstanceRow | undefined;
    if (!row) return false;
    if (this.now().getTime() - Date.parse(row.heartbeat_at) > INSTANCE_LEASE_MS) return false;
    return row.host !== os.hostname() || processRuns(row.pid);
  }
}
