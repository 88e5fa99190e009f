/**
 * Text extraction for knowledge ingestion: any supported document → Markdown-ish text whose
 * headings stay `#` lines, paragraphs are separated by blank lines and list items start with `- `,
 * so the chunker can split on headings and keep the heading path.
 */
import { FlowyteError } from '../../errors.ts';
import { decodeText, parseContentType } from './extract/content-type.ts';
import { detectFormat } from './extract/detect-format.ts';
import type { PageListener } from './extract/pdf.ts';
import { firstHeading, normaliseWhitespace } from './extract/text.ts';

export type DocumentFormat = 'html' | 'pdf' | 'docx' | 'markdown' | 'text' | 'csv';

export interface ExtractInput {
  bytes: Buffer;
  /** The declared media type, e.g. an HTTP `Content-Type` (parameters such as `charset` honoured). */
  contentType?: string;
  filename?: string;
  url?: string;
  /** Told after each page of a paged format (PDF), for progress. */
  onPage?: PageListener;
}

export interface ExtractedDocument {
  title: string | null;
  text: string;
  format: DocumentFormat;
}

/** What one format's extractor yields before normalisation. */
export type ExtractedText = Omit<ExtractedDocument, 'format'>;

// The format parsers (a DOM, pdf.js, a DOCX reader, a CSV parser) load on first use: together they
// are a large share of the server's start-up time and memory, and many servers never ingest some formats.
async function extractByFormat(format: DocumentFormat, bytes: Buffer, charset: string | undefined, onPage?: PageListener): Promise<ExtractedText> {
  switch (format) {
    case 'html':
      return (await import('./extract/html.ts')).extractHtml(bytes, charset);
    case 'pdf':
      return (await import('./extract/pdf.ts')).extractPdf(bytes, onPage);
    case 'docx':
      return (await import('./extract/docx.ts')).extractDocx(bytes);
    case 'csv':
      return (await import('./extract/csv.ts')).extractCsv(decodeText(bytes, charset));
    case 'markdown': {
      const text = decodeText(bytes, charset);
      return { title: firstHeading(text), text };
    }
    case 'text':
      return { title: null, text: decodeText(bytes, charset) };
  }
}

/** Extract a document's title and Markdown-ish text; `unsupported_content` or `extraction_failed` otherwise. */
export async function extractText(input: ExtractInput): Promise<ExtractedDocument> {
  const format = detectFormat(input);
  const charset = input.contentType ? parseContentType(input.contentType).charset : undefined;
  const extracted = await extractByFormat(format, input.bytes, charset, input.onPage);
  const text = normaliseWhitespace(extracted.text);
  if (!text) throw new FlowyteError('extraction_failed', `Could not extract text: no text found in the ${format} document`);
  return { title: extracted.title, text, format };
}
