/**
 * The API reference at /docs in headless Chromium: Redoc's bundle (copied into dist/assets by the build) over the
 * generated document, on a real port, with every request that would leave the server refused and
 * recorded (the page must work offline).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform, type Platform } from '../helpers.ts';
import { launchChromium } from '../support/chromium.ts';

// Redoc renders ~150 operations from a large document: generous, not a timing assertion.
const RENDERED_MS = 60_000;
const UPLOAD = 'tag/knowledge/operation/upload_file';

let platform: Platform;
let server: ServerType;
let base: string;
let browser: Browser;
const outside: string[] = [];
const pageErrors: string[] = [];

/** A page at this width that refuses (and records) anything not from our server. */
async function openDocs(width: number, hash = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 844 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${base}/`) || url.startsWith('blob:') || url.startsWith('data:')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  await page.goto(`${base}/docs${hash}`);
  await page.locator(`[data-section-id="${UPLOAD}"]`).waitFor({ state: 'attached', timeout: RENDERED_MS });
  return page;
}

beforeAll(async () => {
  let fetchApp: (request: Request) => Response | Promise<Response> = () => new Response('starting', { status: 503 });
  const listening = new Promise<AddressInfo>((resolve) => {
    server = serve({ fetch: (request) => fetchApp(request), port: 0, hostname: '127.0.0.1' }, resolve);
  });
  base = `http://127.0.0.1:${(await listening).port}`;
  platform = createPlatform({ publicBaseUrl: base });
  fetchApp = platform.app.fetch;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  platform?.close();
});

// Each page renders the whole reference: room for a busy CI machine.
describe('the /docs reference page', { timeout: 120_000 }, () => {
  it('serves Redoc from the build under a hashed URL, cached for a year', async () => {
    const page = await platform.app.request('/docs');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('spec-url="/api/v1/openapi.json"');
    const script = html.match(/src="(\/docs\/assets\/redoc\.standalone\.[\w-]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const asset = await platform.app.request(script!);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect((await asset.text()).length).toBeGreaterThan(500_000);
    expect((await platform.app.request('/docs/assets/redoc.standalone.stale.js')).status).toBe(404);
  });

  it('scrolls a deep link to its operation', async () => {
    const page = await openDocs(1280, `#${UPLOAD}`);
    const heading = page.locator(`[data-section-id="${UPLOAD}"] h2`).first();
    await expect.poll(async () => (await heading.textContent())?.trim()).toBe('Upload a file');
    // The operation sits at the top of the viewport, far down a long page.
    await expect.poll(async () => Math.abs((await heading.boundingBox())?.y ?? Infinity) < 200).toBe(true);
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(1000);
    await page.close();
  });

  it('finds an operation by name with its search, and opens it', async () => {
    const page = await openDocs(1280);
    await page.getByRole('textbox', { name: 'Search' }).fill('Rotate a publishable key');
    const result = page.locator('[data-role="search:results"] [role="menuitem"][aria-label="Rotate a publishable key"]');
    await result.waitFor({ timeout: RENDERED_MS });
    expect(await result.getAttribute('data-item-id')).toBe('tag/widget/operation/rotate_publishable_key');
    await result.click();
    await expect.poll(() => page.evaluate(() => decodeURIComponent(location.hash))).toBe('#tag/widget/operation/rotate_publishable_key');
    await page.close();
  });

  it('fits a 390 px wide screen: no horizontal overflow, the operation text readable', async () => {
    const page = await openDocs(390, `#${UPLOAD}`);
    const description = page.locator(`[data-section-id="${UPLOAD}"] p`).first();
    await expect.poll(async () => (await description.textContent())?.startsWith('Stores a file')).toBe(true);
    const layout = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
    const box = (await description.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    const fontSize = await description.evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
    expect(fontSize).toBeGreaterThanOrEqual(14);
    await page.close();
  });

  it('has no accessibility violations axe-core finds in the page we write', async () => {
    const page = await openDocs(1280);
    // Evaluated over the debugging protocol, so the page's CSP (script-src 'self') does not refuse it.
    await page.evaluate(readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
    const violations = await page.evaluate(async () => {
      const { violations } = await (window as unknown as { axe: { run(options: object): Promise<{ violations: { id: string }[] }> } }).axe.run({
        resultTypes: ['violations'],
        // Two rules fail inside Redoc's own rendering, which this page does not control: it numbers
        // headings by its layout (h1 tag, h2 operation, h5 sections) and its code panes scroll
        // without a tab stop.
        rules: { 'heading-order': { enabled: false }, 'scrollable-region-focusable': { enabled: false } },
      });
      return violations.map((violation) => violation.id);
    });
    expect(violations).toEqual([]);
    await page.close();
  });

  it('loaded nothing from outside the server and threw no errors', () => {
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
