/** Decide a document's format from its content type, then its file name, then its bytes. */
import { FlowyteError } from '../../../errors.ts';
import type { DocumentFormat, ExtractInput } from '../extract.ts';
import { parseContentType } from './content-type.ts';

const FORMAT_BY_MEDIA_TYPE: Record<string, DocumentFormat> = {
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/pdf': 'pdf',
  'application/x-pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/plain': 'text',
  'text/csv': 'csv',
  'application/csv': 'csv',
};

const FORMAT_BY_EXTENSION: Record<string, DocumentFormat> = {
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  pdf: 'pdf',
  docx: 'docx',
  md: 'markdown',
  markdown: 'markdown',
  txt: 'text',
  text: 'text',
  csv: 'csv',
};

function extensionOf(name: string): string | undefined {
  const match = /\.([a-z0-9]+)$/i.exec(name);
  return match?.[1]?.toLowerCase();
}

function pathnameOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}

// Declared media, never text: reject rather than sniff (a wrong extension should not win).
const BINARY_MEDIA_FAMILIES = ['image/', 'audio/', 'video/', 'font/'];

const PDF_MAGIC = Buffer.from('%PDF-');
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** Recognise a format from the first bytes; plain text is valid UTF-8 without control bytes. */
export function sniffFormat(bytes: Buffer): DocumentFormat | undefined {
  const head = bytes.subarray(0, 1024);
  // The PDF spec lets readers accept a header within the first 1024 bytes.
  if (head.includes(PDF_MAGIC)) return 'pdf';
  if (bytes.subarray(0, 4).equals(ZIP_MAGIC)) return bytes.includes('word/document.xml') ? 'docx' : undefined;
  const start = head.toString('latin1').replace(/^\xEF\xBB\xBF/, '').trimStart().toLowerCase();
  if (start.startsWith('<!doctype html') || start.startsWith('<html') || /^(<!--[\s\S]*?-->\s*)*<html/.test(start)) return 'html';
  return looksLikeText(bytes) ? 'text' : undefined;
}

function looksLikeText(bytes: Buffer): boolean {
  if (bytes.length === 0) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  // C0 controls other than tab, newline, form feed and carriage return mean binary data.
  return !bytes.some((byte) => byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d);
}

function describe(input: ExtractInput): string {
  const parts = [
    input.contentType ? `content type "${input.contentType}"` : 'no content type',
    input.filename ? `file name "${input.filename}"` : undefined,
    input.url ? `URL ${input.url}` : undefined,
    `${input.bytes.length} bytes`,
  ];
  return parts.filter(Boolean).join(', ');
}

/** The format of `input`, or `unsupported_content` naming what was received. */
export function detectFormat(input: ExtractInput): DocumentFormat {
  const mediaType = input.contentType ? parseContentType(input.contentType).mediaType : undefined;
  const byMediaType = mediaType ? FORMAT_BY_MEDIA_TYPE[mediaType] : undefined;
  if (byMediaType) return byMediaType;
  if (mediaType && BINARY_MEDIA_FAMILIES.some((family) => mediaType.startsWith(family))) throw unsupported(input);
  const name = input.filename ?? (input.url ? pathnameOf(input.url) : '');
  const extension = extensionOf(name);
  const byExtension = extension ? FORMAT_BY_EXTENSION[extension] : undefined;
  if (byExtension) return byExtension;
  const sniffed = sniffFormat(input.bytes);
  if (sniffed) return sniffed;
  throw unsupported(input);
}

function unsupported(input: ExtractInput): FlowyteError {
  return new FlowyteError(
    'unsupported_content',
    `Cannot extract text from this content (${describe(input)}): supported formats are HTML, PDF, DOCX, Markdown, plain text and CSV`,
  );
}
