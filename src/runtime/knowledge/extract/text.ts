/** Whitespace normalisation shared by every format, and Markdown title lookup. */

/** Unix newlines, no trailing spaces, no runs of more than one blank line, trimmed. */
export function normaliseWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2007\u202f]/g, ' ') // no-break spaces read as spaces to a tokenizer
    .replace(/\u0000/g, '')
    .replace(/[ \t\f\v]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The text of the first `# ` heading, if any. */
export function firstHeading(markdown: string): string | null {
  return /^# +(.+?)\s*#*\s*$/m.exec(markdown)?.[1]?.trim() || null;
}
