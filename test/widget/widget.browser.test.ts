/**
 * The embeddable widget end to end in headless Chromium: a prepaid platform on a real port, two
 * host pages on two other ports (two origins), and a publishable key that allows only the first;
 * a third page embeds the agent of an org whose wallet is empty, a fourth an agent never published.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, createPlatform, PREPAID, type Platform } from '../helpers.ts';
import { createBackground } from '../../src/runtime/background.ts';
import { launchChromium } from '../support/chromium.ts';


const KNOWLEDGE = `# Prices

A standard call-out costs 95 dollars, which includes the first half hour of work.

# Opening hours

We are open Monday to Friday from 8am to 6pm.`;
const ANSWER = 'A standard call-out costs 95 dollars';
const QUESTION = 'How much does a call-out cost?';

interface HostPage {
  url: string;
  server: http.Server;
  /** What the page embeds, e.g. the snippet from GET /agents/{id}/widget/embed. */
  embed(snippet: string): void;
}

/** A page on its own origin (its own port) that embeds the widget the way a customer's site would. */
async function startHostPage(title: string): Promise<HostPage> {
  let snippet = '';
  const server = http.createServer((request, response) => {
    if (request.url !== '/') return void response.writeHead(404).end();
    response
      .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
      .end(`<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body><h1>${title}</h1>${snippet}</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, embed: (next) => (snippet = next) };
}

function closeServer(server: http.Server | ServerType | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  if ('closeAllConnections' in server) server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The widget's parts, inside its open shadow root (Playwright's CSS locators pierce it). */
function widget(page: Page) {
  const part = (name: string) => page.locator(`[data-flowyte="${name}"]`);
  return {
    launcher: part('launcher'),
    panel: part('panel'),
    input: part('input'),
    send: part('send'),
    error: part('error'),
    branding: part('branding'),
    title: part('title'),
    messages: (role: 'user' | 'assistant') => page.locator(`[data-flowyte="message"][data-role="${role}"]`),
  };
}

describe('chat widget in headless Chromium', () => {
  let platform: Platform;
  let apiServer: ServerType;
  let allowedPage: HostPage;
  let otherPage: HostPage;
  let unfundedPage: HostPage;
  let unfundedAgentId: string;
  let unpublishedPage: HostPage;
  let browser: Browser;
  let context: BrowserContext;
  let agentId: string;
  let started = 0;

  beforeAll(async () => {
    started = Date.now();
    // The app is built after the port is known, so the embed snippet carries the real base URL.
    let fetchApp: (request: Request) => Response | Promise<Response> = () => new Response('starting', { status: 503 });
    const listening = new Promise<AddressInfo>((resolve) => {
      apiServer = serve({ fetch: (request) => fetchApp(request), port: 0, hostname: '127.0.0.1' }, resolve);
    });
    const base = `http://127.0.0.1:${(await listening).port}`;
    platform = createPlatform({ ...PREPAID, publicBaseUrl: base });
    fetchApp = platform.app.fetch;
    const background = createBackground(platform.services);

    const agentResponse = await platform.request('POST', '/agents', { body: { name: 'Plumbing front desk', greeting: 'Hi! Ask me about prices or hours.' } });
    expect(agentResponse.status).toBe(201);
    agentId = (await body(agentResponse)).data.id;
    const source = await platform.request('POST', `/agents/${agentId}/knowledge/sources`, { body: { kind: 'text', label: 'Prices and hours', text: KNOWLEDGE } });
    expect(source.status).toBe(201);
    expect(await background.worker.drain()).toBe(1);
    expect((await platform.request('POST', `/agents/${agentId}/publish`, { body: { note: 'widget test' } })).status).toBe(201);
    // Live conversations are paid from the wallet.
    expect((await platform.request('POST', '/billing/wallet/credit', { body: { amountUsd: 20 } })).status).toBe(200);

    allowedPage = await startHostPage('Allowed site');
    otherPage = await startHostPage('Other site');
    const keyResponse = await platform.request('POST', `/agents/${agentId}/publishable-keys`, {
      body: { name: 'Allowed site', allowedOrigins: [allowedPage.url], env: 'test' },
    });
    expect(keyResponse.status).toBe(201);
    const key = (await body(keyResponse)).data;
    expect(key.keyPublic).toMatch(/^flowyte_pk_test_/);
    const embed = (await body(await platform.request('GET', `/agents/${agentId}/widget/embed?publishableKeyId=${key.id}`))).data;
    expect(embed.scriptSnippet).toContain(`${base}/widget.js`);
    allowedPage.embed(embed.scriptSnippet);
    otherPage.embed(embed.scriptSnippet);

    // Org B's published agent, on a page of its own: its wallet is empty, so no session can start.
    unfundedPage = await startHostPage('Unfunded site');
    const asOrgB = { token: platform.orgB.apiKey.secret };
    unfundedAgentId = (await body(await platform.request('POST', '/agents', { ...asOrgB, body: { name: 'Unfunded desk', greeting: 'Hello!' } }))).data.id;
    expect((await platform.request('POST', `/agents/${unfundedAgentId}/publish`, { ...asOrgB, body: {} })).status).toBe(201);
    const unfundedKey = (await body(await platform.request('POST', `/agents/${unfundedAgentId}/publishable-keys`, { ...asOrgB, body: { name: 'Unfunded', allowedOrigins: [unfundedPage.url] } }))).data;
    unfundedPage.embed((await body(await platform.request('GET', `/agents/${unfundedAgentId}/widget/embed?publishableKeyId=${unfundedKey.id}`, asOrgB))).data.scriptSnippet);

    unpublishedPage = await startHostPage('Unpublished site');
    const draftAgentId = (await body(await platform.request('POST', '/agents', { body: { name: 'Draft desk' } }))).data.id;
    const draftKey = (await body(await platform.request('POST', `/agents/${draftAgentId}/publishable-keys`, { body: { name: 'Draft', allowedOrigins: [unpublishedPage.url] } }))).data;
    unpublishedPage.embed((await body(await platform.request('GET', `/agents/${draftAgentId}/widget/embed?publishableKeyId=${draftKey.id}`))).data.scriptSnippet);

    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await Promise.all([closeServer(apiServer), closeServer(allowedPage?.server), closeServer(otherPage?.server), closeServer(unfundedPage?.server), closeServer(unpublishedPage?.server)]);
    platform?.close();
    console.info(`widget browser suite took ${Date.now() - started} ms`);
  });

  it('opens from the launcher, streams a reply grounded in the knowledge, and keeps the conversation across a reload', async () => {
    const page = await context.newPage();
    await page.goto(allowedPage.url);
    const chat = widget(page);
    await expect.poll(() => chat.launcher.getAttribute('aria-label')).toBe('Chat with us');
    expect(await chat.panel.isVisible()).toBe(false);
    await chat.launcher.click();
    await chat.panel.waitFor({ state: 'visible' });
    expect(await page.locator('[data-flowyte="greeting"]').textContent()).toBe('Hi! Ask me about prices or hours.');

    const reply = page.waitForResponse((response) => /\/chat\/widget\/sessions\/[^/]+\/messages$/.test(response.url()) && response.request().method() === 'POST');
    await chat.input.fill(QUESTION);
    await chat.input.press('Enter');
    const stream = await reply;
    expect(stream.headers()['content-type']).toContain('text/event-stream');
    await expect.poll(() => chat.messages('user').allTextContents()).toEqual([QUESTION]);
    await chat.messages('assistant').filter({ hasText: ANSWER }).waitFor({ timeout: 15_000 });
    expect(await chat.error.isVisible()).toBe(false);
    const frames = await stream.text();
    expect(frames).toMatch(/^event: token\ndata: \{"delta":/m);
    expect(frames).toMatch(/^event: agent_message\n/m);
    expect(frames).toMatch(/^event: done\n/m);
    // The session the page keeps is the server's widget session: greeting, question, reply.
    const sessionId = await page.evaluate(() => Object.entries(localStorage).find(([name]) => name.startsWith('flowyte:session:'))?.[1]);
    expect(platform.services.conversations.find(platform.orgA.org.id, sessionId ?? '')).toMatchObject({ surface: 'widget', messageCount: 3 });

    await page.reload();
    await chat.launcher.click();
    await chat.messages('assistant').filter({ hasText: ANSWER }).waitFor();
    expect(await chat.messages('user').allTextContents()).toEqual([QUESTION]);
    expect(await chat.messages('assistant').count()).toBe(1);

    // A phone: the open panel takes the whole screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(async () => (await chat.panel.boundingBox())?.width).toBe(390);
    expect(await chat.panel.boundingBox()).toMatchObject({ x: 0, y: 0, height: 844 });
    await page.close();
  });

  it('starts a new session when the stored one has ended', async () => {
    const page = await context.newPage();
    await page.goto(allowedPage.url);
    const storedSession = () => page.evaluate(() => Object.entries(localStorage).find(([name]) => name.startsWith('flowyte:session:'))?.[1]);
    const ended = await storedSession();
    const { conversations, engine } = platform.services;
    engine.end(conversations.find(platform.orgA.org.id, ended ?? '')!, 'ended_by_client');

    const chat = widget(page);
    await chat.launcher.click();
    await chat.input.fill('When are you open?');
    await chat.input.press('Enter');
    await chat.messages('assistant').filter({ hasText: 'Monday to Friday' }).waitFor({ timeout: 15_000 });
    expect(await chat.error.isVisible()).toBe(false);
    const fresh = await storedSession();
    expect(fresh).not.toBe(ended);
    expect(conversations.find(platform.orgA.org.id, fresh ?? '')).toMatchObject({ surface: 'widget', status: 'active', messageCount: 3 });
    await page.close();
  });

  it('shows a readable error and starts no session on an origin the key does not allow', async () => {
    const page = await context.newPage();
    const chatRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/chat/')) chatRequests.push(`${request.method()} ${request.url()}`);
    });
    const bootstrap = page.waitForResponse((response) => response.url().endsWith('/widget/bootstrap') && response.request().method() === 'GET');
    await page.goto(otherPage.url);
    expect((await bootstrap).status()).toBe(403);
    const chat = widget(page);
    await chat.launcher.click();
    await chat.error.waitFor({ state: 'visible' });
    expect(await chat.error.textContent()).toBe('This chat is not enabled for this website.');
    await page.evaluate((text) => (window as unknown as { FlowyteWidget: { send(text: string): Promise<void> } }).FlowyteWidget.send(text), QUESTION);
    expect(await chat.messages('user').count()).toBe(0);
    expect(await chat.messages('assistant').count()).toBe(0);
    expect(chatRequests).toEqual([]);
    await page.close();
  });

  it('says only that chat is unavailable, with the input disabled, when the session cannot start (an empty prepaid wallet)', async () => {
    const page = await context.newPage();
    await page.goto(unfundedPage.url);
    const chat = widget(page);
    await chat.launcher.click();
    await chat.panel.waitFor({ state: 'visible' });
    const refused = page.waitForResponse((response) => response.url().endsWith('/chat/widget/sessions') && response.request().method() === 'POST');
    await chat.input.fill(QUESTION);
    await chat.input.press('Enter');
    // The API contract keeps its problem document; the visitor never reads it.
    expect((await refused).status()).toBe(402);
    await chat.error.waitFor({ state: 'visible' });
    expect(await chat.error.textContent()).toBe('Chat is unavailable right now');
    expect(await chat.input.isDisabled()).toBe(true);
    expect(await chat.send.isDisabled()).toBe(true);
    const visible = `${await page.locator('body').innerText()}\n${await chat.panel.innerText()}`;
    expect(visible).not.toMatch(/POST \/billing|credit|wallet|insufficient/i);
    expect(await chat.messages('assistant').count()).toBe(0);

    // A further send is not attempted; the owner was told why, once.
    const sessionRequests: string[] = [];
    page.on('request', (request) => request.url().includes('/chat/widget/sessions') && sessionRequests.push(request.url()));
    await page.evaluate((text) => (window as unknown as { FlowyteWidget: { send(text: string): Promise<void> } }).FlowyteWidget.send(text), 'Anyone there?');
    expect(sessionRequests).toEqual([]);
    const events = platform.services.events.list(platform.orgB.org.id).filter((event) => event.type === 'widget.unavailable');
    expect(events.map((event) => event.payload)).toEqual([expect.objectContaining({ agentId: unfundedAgentId, code: 'insufficient_balance' })]);
    await page.close();
  });

  it('says the same, from the start, for an agent that was never published', async () => {
    const page = await context.newPage();
    await page.goto(unpublishedPage.url);
    const chat = widget(page);
    await chat.launcher.click();
    await chat.error.waitFor({ state: 'visible' });
    expect(await chat.error.textContent()).toBe('Chat is unavailable right now');
    expect(await chat.input.isDisabled()).toBe(true);
    expect(await chat.send.isDisabled()).toBe(true);
    await page.close();
  });

  it('follows the widget config: title, left corner, open on load, no branding', async () => {
    const saved = await platform.request('PUT', `/agents/${agentId}/widget`, {
      body: { theme: { accent: '#16a34a', position: 'bottom-left' }, copy: { title: 'Ask the plumber' }, behavior: { openOnLoad: true, showBranding: false } },
    });
    expect(saved.status).toBe(200);
    const page = await context.newPage();
    await page.goto(allowedPage.url);
    const chat = widget(page);
    await chat.panel.waitFor({ state: 'visible' });
    expect(await chat.title.textContent()).toBe('Ask the plumber');
    expect(await chat.branding.count()).toBe(0);
    expect((await chat.launcher.boundingBox())!.x).toBeLessThan(100);
    await page.close();
  });
});
