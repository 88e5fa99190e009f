/** CSV: each data row becomes a paragraph of `header: value` lines, so every row embeds alone. */
import { parse } from 'csv-parse/sync';
import { FlowyteError } from '../../../errors.ts';
import type { ExtractedText } from '../extract.ts';

function rowParagraph(header: string[], row: string[]): string {
  return row
    .map((value, index) => [header[index] || `column ${index + 1}`, value] as const)
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `${name}: ${value.replace(/\s*\n\s*/g, ' ')}`)
    .join('\n');
}

/** Render a CSV whose first row is the header. */
export function extractCsv(source: string): ExtractedText {
  let rows: string[][];
  try {
    rows = parse(source, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (error) {
    const detail = error instanceof Error ? error.message : 'malformed CSV';
    throw new FlowyteError('extraction_failed', `Could not extract text: ${detail}`, { cause: error });
  }
  const [header = [], ...records] = rows;
  return { title: null, text: records.map((row) => rowParagraph(header, row)).filter(Boolean).join('\n\n') };
}
