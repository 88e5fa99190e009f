/** Uploaded files: stored until attached, or until they expire and are collected. */
import { createHash } from 'node:crypto';
import type { Db } from './db.ts';
import { newId } from '../ids.ts';

export interface FileRecord {
  id: string;
  orgId: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  createdAt: string;
  expiresAt: string;
  attachedAt: string | null;
}

const COLUMNS = `id, org_id AS orgId, filename, content_type AS contentType, size_bytes AS sizeBytes, sha256,
  created_at AS createdAt, expires_at AS expiresAt, attached_at AS attachedAt`;

export class FileStore {
  constructor(private readonly db: Db, private readonly now: () => Date) {}

  create(orgId: string, file: { filename: string; contentType: string; content: Buffer }, ttlHours: number): FileRecord {
    const createdAt = this.now();
    const record: FileRecord = {
      id: newId('file'),
      orgId,
      filename: file.filename,
      contentType: file.contentType,
      sizeBytes: file.content.length,
      sha256: createHash('sha256').update(file.content).digest('hex'),
      createdAt: createdAt.toISOString(),
      expiresAt: new Date(createdAt.getTime() + ttlHours * 3_600_000).toISOString(),
      attachedAt: null,
    };
    this.db
      .prepare(
        `INSERT INTO files (id, org_id, filename, content_type, size_bytes, sha256, content, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(record.id, orgId, record.filename, record.contentType, record.sizeBytes, record.sha256, file.content, record.createdAt, record.expiresAt);
    return record;
  }

  /** A file that is attached, or unattached and not expired yet. */
  findUsable(orgId: string, id: string): FileRecord | undefined {
    return this.db
      .prepare(
        `SELECT ${COLUMNS} FROM files WHERE org_id = ? AND id = ? AND content IS NOT NULL AND (attached_at IS NOT NULL OR expires_at > ?)`,
      )
      .get(orgId, id, this.now().toISOString()) as FileRecord | undefined;
  }

  /** Whether an unusable id is one this org uploaded that has since expired. */
  expired(orgId: string, id: string): boolean {
    return this.db.prepare('SELECT 1 FROM files WHERE org_id = ? AND id = ?').get(orgId, id) !== undefined;
  }

  content(orgId: string, id: string): Buffer | undefined {
    return this.db.prepare('SELECT content FROM files WHERE org_id = ? AND id = ?').pluck().get(orgId, id) as Buffer | undefined;
  }

  attach(orgId: string, id: string): void {
    this.db.prepare('UPDATE files SET attached_at = COALESCE(attached_at, ?) WHERE org_id = ? AND id = ?').run(this.now().toISOString(), orgId, id);
  }

  /** Drop the content of unattached files past their expiry; returns how many went. */
  collectExpired(): number {
    return this.db
      .prepare('UPDATE files SET content = NULL WHERE attached_at IS NULL AND content IS NOT NULL AND expires_at <= ?')
      .run(this.now().toISOString()).changes;
  }
}
