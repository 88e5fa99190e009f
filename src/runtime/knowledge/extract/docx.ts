/** Word documents: mammoth maps paragraph styles to HTML (Heading 1 → h1), then the HTML path. */
import mammoth from 'mammoth';
import { FlowyteError } from '../../../errors.ts';
import type { ExtractedText } from '../extract.ts';
import { htmlToMarkdown } from './html-to-markdown.ts';
import { firstHeading } from './text.ts';

/** Extract a .docx as Markdown-ish text; its title is its first level-1 heading. */
export async function extractDocx(bytes: Buffer): Promise<ExtractedText> {
  let html: string;
  try {
    ({ value: html } = await mammoth.convertToHtml({ buffer: bytes }));
  } catch (error) {
    throw new FlowyteError('extraction_failed', 'Could not extract text: the DOCX file could not be read', { cause: error });
  }
  const text = htmlToMarkdown(html);
  return { title: firstHeading(text), text };
}
