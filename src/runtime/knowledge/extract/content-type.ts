/** Parsing of Content-Type values and decoding of text bytes in a declared charset. */
// Node 20's own TextDecoder decodes windows-1252 (and so `latin1`) as ISO-8859-1, turning
// 0x80-0x9F (€, curly quotes) into control characters (nodejs/node#56542); this one follows WHATWG.
import { TextDecoder } from '@exodus/bytes/encoding.js';

export interface ContentType {
  /** Lower-cased `type/subtype`, without parameters. */
  mediaType: string;
  charset?: string;
}

/** Split `text/html; charset=ISO-8859-1` into its media type and charset. */
export function parseContentType(contentType: string): ContentType {
  const [mediaType = '', ...parameters] = contentType.split(';');
  const charsetParameter = parameters.map((parameter) => parameter.trim()).find((parameter) => /^charset=/i.test(parameter));
  const charset = charsetParameter?.slice('charset='.length).trim().replace(/^"|"$/g, '');
  return { mediaType: mediaType.trim().toLowerCase(), ...(charset ? { charset } : {}) };
}

/** Whether TextDecoder knows this encoding label (WHATWG labels: `latin1` means windows-1252). */
export function isKnownEncoding(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

/** Decode text bytes: a BOM wins, then a known `charset`, else UTF-8. The BOM is stripped. */
export function decodeText(bytes: Uint8Array, charset?: string): string {
  const encoding = charset && isKnownEncoding(charset) ? charset : 'utf-8';
  // TextDecoder strips a BOM matching its own encoding; a UTF-8 BOM overrides a wrong label.
  const hasUtf8Bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return new TextDecoder(hasUtf8Bom ? 'utf-8' : encoding).decode(bytes);
}
