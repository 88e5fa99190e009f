import mammoth from 'mammoth';
import { describe, expect, it } from 'vitest';
import { FlowyteError, type ErrorCode } from '../../../src/errors.ts';
import { extractText, type ExtractInput } from '../../../src/runtime/knowledge/extract.ts';
import { ARTICLE_PAGE, makeDocx, makePdf, type DocxParagraph } from '../../fixtures/documents.ts';

/** The FlowyteError that extraction rejects with, failing the test when it resolves. */
async function extractionError(input: ExtractInput): Promise<FlowyteError> {
  const error = await extractText(input).then(
    (document) => new Error(`expected a rejection, got ${JSON.stringify(document)}`),
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(FlowyteError);
  return error as FlowyteError;
}

async function expectCode(input: ExtractInput, code: ErrorCode): Promise<FlowyteError> {
  const error = await extractionError(input);
  expect(error.code).toBe(code);
  return error;
}

const REFUND_POLICY: DocxParagraph[] = [
  { text: 'Refund policy', style: 'Heading1' },
  { text: 'We refund unused items within 30 days of purchase.' },
  { text: 'Keep the receipt', bullet: true },
  { text: 'Return the item in its box', bullet: true },
];

describe('extractText: HTML', () => {
  it('keeps the article with Markdown headings and drops nav, footer, scripts and styles', async () => {
    const document = await extractText({ bytes: Buffer.from(ARTICLE_PAGE), contentType: 'text/html; charset=utf-8' });
    expect(document.format).toBe('html');
    expect(document.title).toBe('Opening hours | Example Dental');
    for (const boilerplate of ['NAV_HOME_MARKER', 'FOOTER_COPYRIGHT_MARKER', 'TRACKING_SCRIPT_MARKER', 'font-family']) {
      expect(document.text).not.toContain(boilerplate);
    }
    const lines = document.text.split('\n');
    expect(lines).toContain('# Opening hours and appointments');
    expect(lines).toContain('## Weekday hours');
    expect(lines).toContain('## Emergencies');
    expect(lines).toContain('- Friday: 8:00 to 16:00');
    expect(document.text).toContain('\n\n## Weekday hours\n\nWe are open from eight in the morning');
    expect(document.text.indexOf('## Weekday hours')).toBeLessThan(document.text.indexOf('## Emergencies'));
  });

  it('falls back to the body without nav and footer when the page is too short for an article', async () => {
    const page = '<!doctype html><title>Tiny page</title><nav>Menu link</nav><h1>Hello</h1><p>Short note.</p><footer>Legal footer</footer>';
    const document = await extractText({ bytes: Buffer.from(page), filename: 'tiny.html' });
    expect(document).toEqual({ title: 'Tiny page', text: '# Hello\n\nShort note.', format: 'html' });
  });

  it('decodes a windows-1252 page declared by <meta charset>', async () => {
    const page = '<html><head><meta charset="windows-1252"><title>Caf\xe9 menu</title></head><body><p>Caf\xe9 cr\xe8me for 3\x80.</p></body></html>';
    const document = await extractText({ bytes: Buffer.from(page, 'latin1'), url: 'https://example.com/menu' });
    expect(document.title).toBe('Café menu');
    expect(document.text).toBe('Café crème for 3€.');
  });

  it('honours charset= in the content type over the UTF-8 default', async () => {
    const page = '<html><body><p>R\xe9sum\xe9 des horaires</p></body></html>';
    const document = await extractText({ bytes: Buffer.from(page, 'latin1'), contentType: 'text/html; charset=ISO-8859-1' });
    expect(document.text).toBe('Résumé des horaires');
  });

  it('decodes UTF-8 by default', async () => {
    const document = await extractText({ bytes: Buffer.from('<html><body><p>Crème brûlée</p></body></html>'), contentType: 'text/html' });
    expect(document.text).toBe('Crème brûlée');
  });
});

describe('extractText: PDF', () => {
  it('extracts every page, pages separated by a blank line, and the document title', async () => {
    const bytes = await makePdf([['Quarterly report', 'Revenue grew by ten percent.'], ['Outlook', 'We expect steady growth.']], 'Q3 Report');
    const document = await extractText({ bytes, filename: 'report.pdf' });
    expect(document).toEqual({
      title: 'Q3 Report',
      text: 'Quarterly report\nRevenue grew by ten percent.\n\nOutlook\nWe expect steady growth.',
      format: 'pdf',
    });
  });

  it('fails with extraction_failed on a garbage or empty PDF', async () => {
    const garbage = await expectCode({ bytes: Buffer.from('%PDF-1.7\nthis is not really a pdf'), contentType: 'application/pdf' }, 'extraction_failed');
    expect(garbage.message).toMatch(/PDF could not be read/);
    await expectCode({ bytes: Buffer.alloc(0), contentType: 'application/pdf' }, 'extraction_failed');
  });

  it('fails with "no text found" on a PDF whose pages have no text', async () => {
    const error = await expectCode({ bytes: await makePdf([[], []]), contentType: 'application/pdf' }, 'extraction_failed');
    expect(error.message).toMatch(/no text found/);
  });
});

describe('extractText: DOCX', () => {
  it('builds a fixture whose Heading 1 mammoth really maps to <h1>', async () => {
    const { value: html } = await mammoth.convertToHtml({ buffer: makeDocx(REFUND_POLICY) });
    expect(html).toContain('<h1>Refund policy</h1>');
    expect(html).toContain('<ul><li>Keep the receipt</li>');
  });

  it('turns a Word heading, paragraph and bullet list into Markdown', async () => {
    const document = await extractText({
      bytes: makeDocx(REFUND_POLICY),
      contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    });
    expect(document).toEqual({
      title: 'Refund policy',
      text: '# Refund policy\n\nWe refund unused items within 30 days of purchase.\n\n- Keep the receipt\n- Return the item in its box',
      format: 'docx',
    });
  });

  it('fails with extraction_failed on a corrupt .docx', async () => {
    await expectCode({ bytes: Buffer.from('not a zip archive'), filename: 'policy.docx' }, 'extraction_failed');
  });
});

describe('extractText: Markdown, text and CSV', () => {
  it('keeps Markdown as is, without BOM, with Unix newlines and the first heading as title', async () => {
    const source = '\ufeff# Setup guide\r\n\r\n\r\n\r\nInstall it.   \r\n\r\n## Step two\r\n\r\n- run it\r\n';
    const document = await extractText({ bytes: Buffer.from(source), filename: 'GUIDE.md' });
    expect(document).toEqual({ title: 'Setup guide', text: '# Setup guide\n\nInstall it.\n\n## Step two\n\n- run it', format: 'markdown' });
  });

  it('reads plain text sent without any hint', async () => {
    const document = await extractText({ bytes: Buffer.from('Line one\nLine two\n') });
    expect(document).toEqual({ title: null, text: 'Line one\nLine two', format: 'text' });
  });

  it('renders each CSV row as a paragraph of header: value pairs', async () => {
    const csv = 'product,price,notes\r\nWidget,3.50,"blue, small"\r\nGadget,10,\r\n';
    const document = await extractText({ bytes: Buffer.from(csv), contentType: 'text/csv; charset=utf-8' });
    expect(document).toEqual({
      title: null,
      text: 'product: Widget\nprice: 3.50\nnotes: blue, small\n\nproduct: Gadget\nprice: 10',
      format: 'csv',
    });
  });

  it('fails with extraction_failed on an empty text file', async () => {
    const error = await expectCode({ bytes: Buffer.from(' \n\n \n'), contentType: 'text/plain' }, 'extraction_failed');
    expect(error.message).toMatch(/no text found in the text document/);
  });
});

describe('extractText: format detection', () => {
  it('prefers the content type over the file name', async () => {
    const document = await extractText({ bytes: Buffer.from('# Not a heading here'), contentType: 'text/plain', filename: 'notes.md' });
    expect(document).toMatchObject({ format: 'text', title: null });
  });

  it('uses the URL path extension when there is no content type or file name', async () => {
    const document = await extractText({ bytes: Buffer.from('a,b\n1,2\n'), url: 'https://example.com/data/export.csv?x=1' });
    expect(document).toMatchObject({ format: 'csv', text: 'a: 1\nb: 2' });
  });

  it('sniffs PDF, DOCX and HTML from their bytes behind a generic content type', async () => {
    const generic = 'application/octet-stream';
    expect((await extractText({ bytes: await makePdf([['Sniffed PDF']]), contentType: generic })).format).toBe('pdf');
    expect((await extractText({ bytes: makeDocx(REFUND_POLICY), contentType: generic })).format).toBe('docx');
    expect((await extractText({ bytes: Buffer.from('<!DOCTYPE html><p>Hi</p>'), contentType: generic })).format).toBe('html');
  });

  it('rejects unknown binary content with unsupported_content naming what was received', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);
    const error = await expectCode({ bytes: png, contentType: 'application/octet-stream', filename: 'logo.bin' }, 'unsupported_content');
    expect(error.message).toContain('application/octet-stream');
    expect(error.message).toContain('logo.bin');
  });

  it('rejects a declared image even when its bytes would read as text', async () => {
    const error = await expectCode({ bytes: Buffer.from('GIF89a'), contentType: 'image/gif', filename: 'a.txt' }, 'unsupported_content');
    expect(error.message).toContain('image/gif');
  });

  it('rejects a zip archive that is not a Word document', async () => {
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('mimetypeapplication/epub+zip')]);
    await expectCode({ bytes: zip }, 'unsupported_content');
  });
});
