import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/http/authenticate.ts';
import { mountWidgetAssets } from '../../src/http/widget-assets.ts';

function widgetApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  mountWidgetAssets(app);
  return app;
}

const SCRIPT = readFileSync(new URL('../../src/http/widget/widget.js', import.meta.url), 'utf8');

describe('GET /widget.js', () => {
  it('serves the widget script as cacheable, cross-origin JavaScript with a strong ETag', async () => {
    const response = await widgetApp().request('/widget.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(response.headers.get('etag')).toMatch(/^"[\w-]{20,}"$/);
    expect(await response.text()).toBe(SCRIPT);
  });

  it('answers 304 without a body when If-None-Match names the current ETag', async () => {
    const app = widgetApp();
    const etag = (await app.request('/widget.js')).headers.get('etag') ?? '';
    for (const ifNoneMatch of [etag, `"stale", W/${etag}`, '*']) {
      const response = await app.request('/widget.js', { headers: { 'If-None-Match': ifNoneMatch } });
      expect(response.status).toBe(304);
      expect(response.headers.get('etag')).toBe(etag);
      expect(await response.text()).toBe('');
    }
    const stale = await app.request('/widget.js', { headers: { 'If-None-Match': '"stale"' } });
    expect(stale.status).toBe(200);
  });

  it('stays small and dependency-free: no imports, no external URLs', () => {
    expect(Buffer.byteLength(SCRIPT)).toBeLessThan(16_384);
    expect(SCRIPT).not.toMatch(/\bimport\s*[({'"]|\brequire\(|https?:\/\//);
  });
});
