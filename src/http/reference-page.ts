/**
 * The API reference at /docs: Redoc's standalone bundle, which the build copies into dist/assets
 * (no CDN, works offline), rendering /api/v1/openapi.json. The bundle's URL carries its hash, so it
 * is cached for a year; the page's CSP keeps the browser from fetching anything from elsewhere.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Hono } from 'hono';
import { packagePath } from '../package-root.ts';
import type { AppEnv } from './authenticate.ts';

interface Bundle {
  script: string;
  path: string;
}

let bundle: Bundle | undefined;

/** Read on the first visit to /docs (1 MB), not at every start. */
function redocBundle(): Bundle {
  if (!bundle) {
    const script = readFileSync(packagePath('dist', 'assets', 'redoc.standalone.js'), 'utf8');
    const hash = createHash('sha256').update(script).digest('base64url').slice(0, 16);
    bundle = { script, path: `/docs/assets/redoc.standalone.${hash}.js` };
  }
  return bundle;
}

/**
 * Redoc injects its styles and runs search in a blob: worker; everything else is this server's.
 * Its sidebar's "API docs by Redocly" logo is a remote image: refused here, so it is never fetched.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  'worker-src blob:',
  "connect-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

function referencePage(documentUrl: string, scriptPath: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Flowyte API reference</title>
<style>body{margin:0}</style></head>
<body><main><redoc spec-url="${documentUrl}" required-props-first="true" expand-responses="200,201" show-extensions="x-flowyte-scope,x-flowyte-auth"></redoc></main>
<noscript>The reference needs JavaScript; the document itself is at <a href="${documentUrl}">${documentUrl}</a>.</noscript>
<script src="${scriptPath}"></script></body></html>`;
}

/** Add `GET /docs` (the reference page) and `GET /docs/assets/redoc.standalone.<hash>.js`. */
export function mountReferencePage(app: Hono<AppEnv>, documentUrl: string): void {
  app.get('/docs', function docsPage(c) {
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.header('Cache-Control', 'no-cache');
    return c.html(referencePage(documentUrl, redocBundle().path));
  });
  app.get('/docs/assets/:file', function docsAsset(c) {
    const { script, path } = redocBundle();
    if (c.req.path !== path) return c.notFound();
    return c.body(script, 200, { 'Content-Type': 'application/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=31536000, immutable' });
  });
}
