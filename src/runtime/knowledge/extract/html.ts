/** HTML pages: decode by the WHATWG sniffing rules, keep the main content, convert to Markdown. */
import { TextDecoder } from '@exodus/bytes/encoding.js';
import { Readability } from '@mozilla/readability';
import htmlEncodingSniffer from 'html-encoding-sniffer';
import { parseHTML } from 'linkedom';
import { parse, serialize } from 'parse5';
import type { ExtractedText } from '../extract.ts';
import { isKnownEncoding } from './content-type.ts';
import { H1_MARKER_CLASS, htmlToMarkdown } from './html-to-markdown.ts';

/** Decode HTML bytes: BOM, then the `charset=` label, then `<meta charset>`, else UTF-8. */
export function decodeHtml(bytes: Uint8Array, charset?: string): string {
  const encoding = htmlEncodingSniffer(bytes, {
    transportLayerEncodingLabel: charset && isKnownEncoding(charset) ? charset : undefined,
    defaultEncoding: 'utf-8',
  });
  return new TextDecoder(encoding).decode(bytes);
}

type LinkedomDocument = ReturnType<typeof parseHTML>['document'];

/** Boilerplate removed before falling back to the whole body (`<header>` stays: it often holds the h1). */
const BODY_BOILERPLATE = 'script, style, noscript, template, nav, footer, aside, form, [role="navigation"], [role="banner"], [role="contentinfo"], [aria-hidden="true"]';

function bodyHtml(document: LinkedomDocument): string {
  for (const element of Array.from(document.querySelectorAll(BODY_BOILERPLATE))) element.remove();
  return document.body?.innerHTML ?? '';
}

function titleOf(document: LinkedomDocument): string | null {
  return document.title?.trim() || document.querySelector('h1')?.textContent?.trim() || null;
}

/** Main-content extraction with Readability; short pages with no article fall back to the body. */
export function extractHtmlText(html: string): ExtractedText {
  // linkedom builds the tree as written; parse5 first applies the HTML spec's implied tags, so a page
  // without <html>/<head>/<body> (or with stray content after </head>) still gets a head and a body.
  const { document } = parseHTML(serialize(parse(html)));
  for (const heading of Array.from(document.querySelectorAll('h1'))) heading.classList.add(H1_MARKER_CLASS);
  const pageTitle = titleOf(document);
  // Readability mutates the DOM it reads, so it gets a copy; linkedom's Document is DOM-compatible.
  const copy = document.cloneNode(true) as unknown as Document;
  const article = new Readability(copy, { classesToPreserve: [H1_MARKER_CLASS] }).parse();
  const articleHtml = article?.textContent?.trim() ? article.content : null;
  const text = htmlToMarkdown(articleHtml || bodyHtml(document));
  return { title: article?.title?.trim() || pageTitle, text };
}

/** Extract text from HTML bytes. */
export function extractHtml(bytes: Uint8Array, charset?: string): ExtractedText {
  return extractHtmlText(decodeHtml(bytes, charset));
}
