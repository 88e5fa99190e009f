/* Flowyte chat widget: a chat bubble for any page. Plain ES2019, no dependencies, Shadow DOM. */
(() => {
  'use strict';
  if (window.FlowyteWidget) return;
  const tag = document.currentScript || document.querySelector('script[data-flowyte-key]');
  if (!tag) return;
  const key = tag.getAttribute('data-flowyte-key') || '';
  const api = (tag.getAttribute('data-flowyte-api') || new URL('/api/v1', tag.src).href).replace(/\/+$/, '');
  const visitorToken = tag.getAttribute('data-flowyte-visitor-token');
  const storageKey = 'flowyte:session:' + key;
  const DARK = '--bg:#111827;--fg:#f9fafb;--muted:#9ca3af;--line:#374151;--bot:#1f2937';
  const CSS = `:host{all:initial}
*{box-sizing:border-box;font-family:system-ui,sans-serif}
.w{--bg:#fff;--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--bot:#f3f4f6;color:var(--fg);font-size:15px;line-height:1.4}
.w.dark{${DARK}}
@media (prefers-color-scheme:dark){.w.auto{${DARK}}}
.launcher,.panel{position:fixed;bottom:20px;right:20px;z-index:2147483000}
.left .launcher,.left .panel{right:auto;left:20px}
.launcher{width:56px;height:56px;border-radius:50%;border:0;background:var(--accent);color:var(--on);cursor:pointer;box-shadow:0 4px 14px #0004;display:flex;align-items:center;justify-content:center}
.launcher svg{width:26px;height:26px;fill:currentColor}
.panel{bottom:88px;width:370px;height:560px;max-height:calc(100vh - 108px);background:var(--bg);border:1px solid var(--line);border-radius:var(--radius);box-shadow:0 10px 40px #0004;display:flex;flex-direction:column;overflow:hidden}
[hidden]{display:none!important}
header{background:var(--accent);color:var(--on);padding:12px 14px;display:flex;align-items:center;font-weight:600}
header span{flex:1;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
button{font:inherit;cursor:pointer}
.close{background:none;border:0;color:inherit;font-size:22px;line-height:1;padding:4px 8px}
.messages{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px}
.message,.greeting{max-width:85%;padding:8px 12px;border-radius:calc(var(--radius) + 2px);white-space:pre-wrap;overflow-wrap:anywhere}
[data-role=assistant]{align-self:flex-start;background:var(--bot)}
[data-role=user]{align-self:flex-end;background:var(--accent);color:var(--on)}
.typing:empty::after{content:"\\2026";color:var(--muted)}
.error{margin:0 12px 8px;padding:8px 10px;border-radius:8px;background:#fee2e2;color:#991b1b;font-size:14px}
form{display:flex;gap:8px;padding:10px;border-top:1px solid var(--line)}
textarea{flex:1;resize:none;height:42px;padding:10px;border:1px solid var(--line);border-radius:8px;background:var(--bg);color:var(--fg);font-size:16px}
textarea:focus,button:focus-visible{outline:2px solid var(--accent);outline-offset:1px}
.send{border:0;border-radius:8px;padding:0 14px;background:var(--accent);color:var(--on);font-weight:600}
.send:disabled{opacity:.5;cursor:default}
.branding{text-align:center;font-size:11px;color:var(--muted);padding:0 0 8px}
@media (max-width:480px){.panel,.left .panel{inset:0;width:100%;height:100%;max-height:none;border:0;border-radius:0}.open .launcher{display:none}}`;

  let config = { agentName: 'Chat', greeting: '', theme: {}, copy: {}, behavior: {} };
  let unavailable = false;
  let sessionId = null;
  let history = null;
  let busy = false;
  let ui;

  /** An element; `part` is both its class and its stable `data-flowyte` hook for hosts and tests. */
  const element = (name, part, attributes = {}, text = '') => {
    const node = document.createElement(name);
    if (part) node.className = node.dataset.flowyte = part;
    for (const attribute of Object.keys(attributes)) node.setAttribute(attribute, attributes[attribute]);
    node.textContent = text;
    return node;
  };
  const persist = () => config.behavior.persistConversation !== false;

  /** localStorage can be disabled (privacy modes); the chat then lasts for this page view. */
  const storage = (value) => {
    try {
      if (value === undefined) return localStorage.getItem(storageKey);
      if (value === null) localStorage.removeItem(storageKey);
      else localStorage.setItem(storageKey, value);
    } catch (ignored) {}
    return null;
  };

  /** Black or white, whichever reads better on the accent colour. */
  const contrastOn = (hex) => {
    const rgb = parseInt(hex.slice(1), 16);
    return 0.299 * (rgb >> 16) + 0.587 * ((rgb >> 8) & 255) + 0.114 * (rgb & 255) > 160 ? '#111827' : '#fff';
  };

  const UNAVAILABLE = 'Chat is unavailable right now';
  /** Problems a visitor can do something about, in their words. */
  const VISITOR_TEXT = { origin_not_allowed: 'This chat is not enabled for this website.', identity_verification_failed: 'Please sign in to chat.' };
  /** Problems that mean the agent cannot chat at all now (the server tells its owner why). */
  const AVAILABILITY_CODES = ['insufficient_balance', 'no_published_version', 'model_error', 'internal_error'];
  const transient = (status) => status === 0 || status === 429;
  const unavailableProblem = (status, code) => AVAILABILITY_CODES.indexOf(code) >= 0 || status >= 500;

  /** What a visitor reads for a problem: never its detail, which is written for the owner. */
  const readable = (status, problem) => {
    if (VISITOR_TEXT[problem.code]) return VISITOR_TEXT[problem.code];
    if (status === 429) return 'Too many messages. Please wait a moment and try again.';
    if (status === 0) return 'Could not reach the chat service. Please try again.';
    if (unavailableProblem(status, problem.code)) return UNAVAILABLE;
    return 'Something went wrong. Please try again.';
  };

  class ApiError extends Error {
    constructor(status, problem) {
      super(readable(status, problem));
      this.status = status;
      this.code = problem.code;
    }
  }

  /**
   * Whether a failure means the agent cannot chat now rather than that one message failed: an
   * availability problem, or any session that could not start for a reason waiting or the visitor
   * cannot fix.
   */
  const cannotChat = (failure, starting) =>
    failure instanceof ApiError && !transient(failure.status) && !VISITOR_TEXT[failure.code] && (starting || unavailableProblem(failure.status, failure.code));

  /** One API call; a problem response or a network failure becomes an ApiError. */
  const call = async (method, path, body) => {
    const headers = { Authorization: 'Bearer ' + key };
    if (body) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(api + path, { method, headers, body: body && JSON.stringify(body), credentials: 'omit' });
    } catch (failure) {
      throw new ApiError(0, {});
    }
    if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => ({})));
    return response;
  };
  const json = async (method, path, body) => (await call(method, path, body)).json();
  const messagesPath = (id) => `/chat/widget/sessions/${encodeURIComponent(id)}/messages`;

  const addMessage = (role, text, kind = 'message') => {
    const bubble = element('div', kind, { 'data-role': role }, text);
    ui.log.append(bubble);
    ui.log.scrollTop = ui.log.scrollHeight;
    return bubble;
  };

  const showError = (message) => {
    ui.error.textContent = message;
    ui.error.hidden = !message;
  };

  /** Say chat is unavailable (`message`: a visitor-facing reason instead) and stop taking messages. */
  const becomeUnavailable = (message = UNAVAILABLE) => {
    unavailable = true;
    showError(message);
    ui.input.disabled = ui.send.disabled = true;
  };

  const build = () => {
    const { theme, copy, behavior } = config;
    const accent = theme.accent || '#2563eb';
    const title = copy.title || config.agentName;
    const host = element('div', 'root');
    const root = host.attachShadow({ mode: 'open' });
    const wrapper = element('div', '', { class: `w ${theme.mode || 'auto'}${theme.position === 'bottom-left' ? ' left' : ''}` });
    wrapper.setAttribute('style', `--accent:${accent};--on:${contrastOn(accent)};--radius:${theme.radius === undefined ? 12 : theme.radius}px`);
    const launcher = element('button', 'launcher', { type: 'button', 'aria-label': copy.launcherLabel || 'Chat with us', 'aria-expanded': 'false', 'aria-controls': 'flowyte-panel' });
    launcher.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
    const panel = element('div', 'panel', { id: 'flowyte-panel', role: 'dialog', 'aria-label': title, hidden: '' });
    const header = element('header', '');
    const close = element('button', 'close', { type: 'button', 'aria-label': 'Close chat' }, '\u00d7');
    header.append(element('span', 'title', {}, title), close);
    const log = element('div', 'messages', { role: 'log', 'aria-live': 'polite' });
    const error = element('div', 'error', { role: 'alert', hidden: '' });
    const form = element('form', '');
    const input = element('textarea', 'input', { rows: '1', 'aria-label': 'Message', placeholder: copy.placeholder || 'Type your message\u2026' });
    const send = element('button', 'send', { type: 'submit' }, 'Send');
    form.append(input, send);
    panel.append(header, log, error, form);
    if (behavior.showBranding !== false) panel.append(element('div', 'branding', {}, 'Powered by Flowyte'));
    wrapper.append(panel, launcher);
    root.append(element('style', '', {}, CSS), wrapper);
    document.body.append(host);

    const submit = () => {
      if (!input.value.trim() || busy) return;
      sendMessage(input.value);
      input.value = '';
    };
    launcher.addEventListener('click', () => (panel.hidden ? openPanel() : closePanel()));
    close.addEventListener('click', closePanel);
    panel.addEventListener('keydown', (event) => event.key === 'Escape' && closePanel());
    input.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
      event.preventDefault();
      submit();
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      submit();
    });
    ui = { wrapper, launcher, panel, log, error, input, send };
    if (config.greeting) addMessage('assistant', config.greeting, 'greeting');
  };

  /** Show the stored conversation (persistConversation); a session that is gone is forgotten. */
  const restoreHistory = async () => {
    const stored = persist() && storage();
    if (!stored) return;
    try {
      const messages = [];
      for (let cursor = '', pages = 0; cursor !== null && pages < 10; pages++) {
        const page = await json('GET', `${messagesPath(stored)}?limit=100${cursor && '&cursor=' + encodeURIComponent(cursor)}`);
        messages.push(...page.data);
        cursor = page.hasMore ? page.nextCursor : null;
      }
      sessionId = sessionId || stored;
      // A session opens with the agent's greeting, already shown from the bootstrap (or its copy override).
      messages.forEach((message, index) => {
        if (index > 0 || message.role === 'user') addMessage(message.role, message.content);
      });
    } catch (failure) {
      if (failure.status === 404 || failure.status === 409) storage(null);
      else showError(failure.message);
    }
  };

  /** The session, created on the first message (sends are one at a time, see `busy`). */
  const ensureSession = async () => {
    if (!sessionId) {
      sessionId = (await json('POST', '/chat/widget/sessions', visitorToken ? { visitorToken } : {})).data.sessionId;
      if (persist()) storage(sessionId);
    }
    return sessionId;
  };

  /** Split a text/event-stream into (event, data) frames as chunks arrive. */
  const sseParser = (onFrame) => {
    let buffer = '';
    return (chunk) => {
      const frames = (buffer + chunk).split(/\r?\n\r?\n/);
      buffer = frames.pop();
      for (const frame of frames) {
        let event = 'message';
        const data = [];
        for (const line of frame.split(/\r?\n/)) {
          const field = line.slice(0, line.indexOf(':'));
          const value = line.slice(line.indexOf(':') + 1).replace(/^ /, '');
          if (field === 'event') event = value;
          else if (field === 'data') data.push(value);
        }
        if (data.length) onFrame(event, data.join('\n'));
      }
    };
  };

  const streamReply = async (response, bubble) => {
    let finished = false;
    const parse = sseParser((event, raw) => {
      let data;
      try {
        data = JSON.parse(raw);
      } catch (ignored) {
        return;
      }
      if (event === 'token' && data.delta) bubble.textContent += data.delta;
      else if (event === 'agent_message' && typeof data.text === 'string') bubble.textContent = data.text;
      else if (event === 'error' && unavailableProblem(data.status, data.code)) becomeUnavailable();
      else if (event === 'error') showError(readable(data.status, data));
      finished = finished || event === 'done' || event === 'error';
      ui.log.scrollTop = ui.log.scrollHeight;
    });
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const step = await reader.read();
      if (step.done) break;
      parse(decoder.decode(step.value, { stream: true }));
    }
    parse(decoder.decode() + '\n\n');
    if (!finished) throw new Error('the stream ended before the reply did');
  };

  const postMessage = async (text, retried) => {
    try {
      const id = await ensureSession();
      return await call('POST', messagesPath(id), { content: text, stream: true });
    } catch (failure) {
      // A stored session that expired or ended: start a fresh one, once.
      if (retried || !sessionId || (failure.status !== 404 && failure.status !== 409)) throw failure;
      sessionId = null;
      storage(null);
      return postMessage(text, true);
    }
  };

  const sendMessage = async (text) => {
    await openPanel();
    text = String(text || '');
    if (unavailable || busy || !text.trim()) return;
    showError('');
    ui.send.disabled = busy = true;
    addMessage('user', text);
    const bubble = addMessage('assistant', '');
    bubble.classList.add('typing');
    try {
      await streamReply(await postMessage(text, false), bubble);
    } catch (failure) {
      // No session after a failure: it could not start (postMessage forgets one that is gone).
      if (cannotChat(failure, !sessionId)) becomeUnavailable();
      else showError(failure instanceof ApiError ? failure.message : 'The reply was interrupted. Please try again.');
    }
    bubble.classList.remove('typing');
    if (!bubble.textContent) bubble.remove();
    busy = false;
    ui.send.disabled = unavailable;
  };

  const ready = new Promise((resolve) => {
    if (document.body) resolve();
    else document.addEventListener('DOMContentLoaded', resolve);
  }).then(async () => {
    try {
      config = (await json('GET', '/widget/bootstrap')).data;
      build();
      if (!config.published) throw new ApiError(409, { code: 'no_published_version' });
      if (config.requireIdentityVerification && !visitorToken) throw new ApiError(403, { code: 'identity_verification_failed' });
    } catch (failure) {
      // Still show the bubble, so the panel says why rather than failing silently.
      if (!ui) build();
      becomeUnavailable(failure instanceof ApiError && (VISITOR_TEXT[failure.code] || transient(failure.status)) ? failure.message : UNAVAILABLE);
    }
    if (config.behavior.openOnLoad) setOpen(true, false);
  });

  /** Open or close the panel; opening the first time restores a persisted conversation. */
  const setOpen = async (open, focus = true) => {
    await ready;
    if (ui.panel.hidden === open) {
      ui.panel.hidden = !open;
      ui.wrapper.classList.toggle('open', open);
      ui.launcher.setAttribute('aria-expanded', String(open));
      if (focus) (open ? ui.input : ui.launcher).focus();
    }
    if (open) history = history || (unavailable ? null : restoreHistory());
    return open && history;
  };
  const openPanel = () => setOpen(true);
  const closePanel = () => setOpen(false);

  window.FlowyteWidget = { open: openPanel, close: closePanel, send: sendMessage };
})();
