/** The embeddable chat widget's script, served at /widget.js to any site. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Hono } from 'hono';
import type { AppEnv } from './authenticate.ts';
import { packagePath } from '../package-root.ts';

const WIDGET_SCRIPT = readFileSync(packagePath('src', 'http', 'widget', 'widget.js'), 'utf8');
const WIDGET_ETAG = `"${createHash('sha256').update(WIDGET_SCRIPT).digest('base64url').slice(0, 27)}"`;

/** Whether an If-None-Match header names this ETag (or `*`). */
function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

/** Add `GET /widget.js`: cacheable for five minutes, revalidated by ETag, loadable cross-origin. */
export function mountWidgetAssets(app: Hono<AppEnv>): void {
  app.get('/widget.js', function widgetScript(c) {
    const headers = {
      ETag: WIDGET_ETAG,
      'Cache-Control': 'public, max-age=300',
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    };
    if (matchesEtag(c.req.header('if-none-match'), WIDGET_ETAG)) return c.body(null, 304, headers);
    return c.body(WIDGET_SCRIPT, 200, { ...headers, 'Content-Type': 'application/javascript; charset=utf-8' });
  });
}
