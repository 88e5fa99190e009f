/** PDF text via Mozilla's pdf.js (legacy build: it carries the polyfills Node 20 needs). */
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem, TextMarkedContent } from 'pdfjs-dist/types/src/display/api.js';
import { FlowyteError } from '../../../errors.ts';
import type { ExtractedText } from '../extract.ts';

// Metrics for the 14 standard fonts, read from disk; without them pdf.js warns on every page.
const STANDARD_FONT_DATA_URL = join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts') + sep;

function isTextItem(item: TextItem | TextMarkedContent): item is TextItem {
  return 'str' in item;
}

/** One page's text: items in reading order, a newline at each end of line or change of baseline. */
function pageText(items: Array<TextItem | TextMarkedContent>): string {
  let text = '';
  let previous: TextItem | undefined;
  for (const item of items.filter(isTextItem)) {
    const baselineMoved = previous !== undefined && Math.abs(previous.transform[5] - item.transform[5]) > 1;
    if (previous && !previous.hasEOL && baselineMoved && !text.endsWith('\n')) text += '\n';
    text += item.str;
    if (item.hasEOL) text += '\n';
    previous = item;
  }
  return text.trim();
}

async function documentTitle(pdf: PDFDocumentProxy): Promise<string | null> {
  const { info } = await pdf.getMetadata().catch(() => ({ info: undefined }));
  const title = (info as { Title?: unknown } | undefined)?.Title;
  return typeof title === 'string' && title.trim() ? title.trim() : null;
}

/** Told after each page is read: pages done so far, and how many the document has. */
export type PageListener = (pagesDone: number, pagesTotal: number) => void;

/** Extract every page's text, pages separated by blank lines; unreadable PDFs → `extraction_failed`. */
export async function extractPdf(bytes: Uint8Array, onPage?: PageListener): Promise<ExtractedText> {
  // Loaded on the first PDF, not at start-up: pdf.js costs about a second and 190 MB, and its
  // polyfills slow down the whole process.
  const { getDocument, VerbosityLevel } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = getDocument({
    data: new Uint8Array(bytes), // pdf.js takes ownership of (detaches) the buffer it is given
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    standardFontDataUrl: STANDARD_FONT_DATA_URL,
    verbosity: VerbosityLevel.ERRORS,
  });
  try {
    const pdf = await task.promise;
    const pages: string[] = [];
    for (let number = 1; number <= pdf.numPages; number++) {
      const page = await pdf.getPage(number);
      pages.push(pageText((await page.getTextContent()).items));
      page.cleanup();
      onPage?.(number, pdf.numPages);
    }
    return { title: await documentTitle(pdf), text: pages.filter(Boolean).join('\n\n') };
  } catch (error) {
    const reason = error instanceof Error && error.name === 'PasswordException' ? 'the PDF is encrypted' : 'the PDF could not be read';
    throw new FlowyteError('extraction_failed', `Could not extract text: ${reason}`, { cause: error });
  } finally {
    await task.destroy();
  }
}
