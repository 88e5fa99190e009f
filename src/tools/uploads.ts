/** Uploads: a file kept for a while, to attach by its file_id (knowledge sources, skill inputs). */
import { z } from 'zod';
import { defineTool } from './define.ts';
import { FlowyteError } from '../errors.ts';

export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

export const uploadFile = defineTool({
  name: 'upload_file',
  title: 'Upload a file',
  description:
    'Stores a file of up to 25 MB and returns its file_id, to pass to add_knowledge_source (kind file). Over REST send multipart/form-data with a "file" part; over MCP send the bytes as base64. A file nothing uses is deleted after expiresAt.',
  http: { method: 'POST', path: '/uploads', successStatus: 201, maxBodyBytes: Math.ceil(MAX_UPLOAD_BYTES * 1.4), multipart: true },
  scope: 'knowledge:write',
  toolset: 'knowledge',
  input: z.object({
    filename: z.string().min(1).max(255).describe('File name, with its extension (it helps to tell the format).'),
    contentType: z.string().max(255).default('application/octet-stream').describe('MIME type, e.g. application/pdf.'),
    // No maxLength here: a schema limit would answer 400, and a file too big is a 413 file_too_large,
    // checked once decoded (the route's body limit bounds what reaches this far).
    contentBase64: z.string().min(1).describe('The file, base64-encoded; at most 25 MB once decoded.'),
  }),
  output: z.object({
    file_id: z.string().describe('Pass this to add_knowledge_source.'),
    filename: z.string().describe('The file name.'),
    contentType: z.string().describe('The MIME type.'),
    sizeBytes: z.number().int().describe('Size in bytes.'),
    sha256: z.string().describe('SHA-256 of the content.'),
    expiresAt: z.string().describe('When it is deleted if nothing uses it.'),
  }),
  execute: async (input, context) => {
    const content = Buffer.from(input.contentBase64, 'base64');
    if (content.length === 0) {
      throw new FlowyteError('validation_error', 'the file is empty or not base64', { errors: [{ field: 'contentBase64', message: 'decodes to no bytes' }] });
    }
    if (content.length > MAX_UPLOAD_BYTES) {
      throw new FlowyteError('file_too_large', `the file is ${content.length} bytes; the limit is ${MAX_UPLOAD_BYTES} (25 MB)`);
    }
    const file = context.services.files.create(
      context.org.id,
      { filename: input.filename, contentType: input.contentType, content },
      context.services.config.uploadTtlHours,
    );
    return {
      file_id: file.id,
      filename: file.filename,
      contentType: file.contentType,
      sizeBytes: file.sizeBytes,
      sha256: file.sha256,
      expiresAt: file.expiresAt,
    };
  },
});
