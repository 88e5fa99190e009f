/** HTML → Markdown-ish text: ATX headings, `- ` bullets, link text without URLs, no images. */
import TurndownService from 'turndown';

/**
 * Class put on `<h1>`s before Readability, which rewrites every h1 into an h2, to turn them back.
 * Its name must stay neutral: Readability drops or scores nodes by class ("extra", "header"...).
 */
export const H1_MARKER_CLASS = 'flowyte-h1';

// Never content: scripts, embeds, chrome and images (alt text is rarely worth embedding).
const REMOVED_TAGS = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'IFRAME', 'OBJECT', 'EMBED', 'SVG', 'CANVAS', 'FORM', 'BUTTON', 'SELECT', 'NAV', 'FOOTER', 'IMG']);

function createTurndown(): TurndownService {
  const service = new TurndownService({ headingStyle: 'atx', bulletListMarker: '-', codeBlockStyle: 'fenced', emDelimiter: '_' });
  service.remove((node) => REMOVED_TAGS.has(node.nodeName.toUpperCase()));
  // Escaping every `*`, `_` or `[` adds noise to embeddings; only a leading `#` could be misread
  // as a heading by the chunker, so that is all we escape.
  service.escape = (text: string) => text.replace(/^(\s*)(#{1,6}\s)/gm, '$1\\$2');
  service.addRule('restoredHeading1', {
    filter: (node) => node.nodeName === 'H2' && node.classList.contains(H1_MARKER_CLASS),
    replacement: (content) => `\n\n# ${content.replace(/\s+/g, ' ').trim()}\n\n`,
  });
  service.addRule('linkText', { filter: 'a', replacement: (content) => content });
  // Turndown's own rule pads markers to four columns (`-   item`); the chunker expects `- item`.
  service.addRule('listItem', {
    filter: 'li',
    replacement: (content, node) => {
      const parent = node.parentNode as HTMLElement | null;
      let prefix = '- ';
      if (parent?.nodeName === 'OL') {
        const start = Number(parent.getAttribute('start') ?? 1);
        prefix = `${start + Array.prototype.indexOf.call(parent.children, node)}. `;
      }
      const body = content.replace(/^\n+/, '').replace(/\n+$/, '\n').replace(/\n/g, `\n${' '.repeat(prefix.length)}`);
      return prefix + body.trimEnd() + (node.nextSibling ? '\n' : '');
    },
  });
  return service;
}

const turndown = createTurndown();

/** Convert an HTML fragment or document to Markdown-ish text. */
export function htmlToMarkdown(html: string): string {
  return turndown.turndown(html);
}
