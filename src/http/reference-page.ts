/** A browsable API reference at /docs, rendered in the browser from the OpenAPI document (no CDN). */

export function referencePage(documentUrl: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Flowyte API reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;display:flex;color:#1f2328}
nav{width:280px;height:100vh;overflow:auto;position:sticky;top:0;border-right:1px solid #ddd;padding:12px;box-sizing:border-box;background:#fafafa}
nav h3{margin:14px 0 4px;font-size:12px;text-transform:uppercase;color:#666}nav a{display:block;color:#1f2328;text-decoration:none;padding:2px 0}
main{flex:1;padding:24px 40px;max-width:900px}section{border-bottom:1px solid #eee;padding:18px 0}
.m{display:inline-block;min-width:60px;font:bold 12px monospace;padding:2px 6px;border-radius:4px;color:#fff;text-align:center}
.GET{background:#1a7f37}.POST{background:#0969da}.PATCH{background:#9a6700}.PUT{background:#8250df}.DELETE{background:#cf222e}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f6f8fa;padding:10px;overflow:auto;border-radius:6px}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
</style></head>
<body><nav id="nav"><strong>Flowyte API</strong></nav><main id="main"><p>Loading…</p></main>
<script>
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
fetch(${JSON.stringify(documentUrl)}).then((r) => r.json()).then((doc) => {
  const byTag = {};
  for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) (byTag[op.tags[0]] ??= []).push({ path, method: method.toUpperCase(), op });
  let nav = '<strong>' + esc(doc.info.title) + '</strong>', main = '<h1>' + esc(doc.info.title) + '</h1><p>' + esc(doc.info.description) + '</p><p>Base URL: <code>' + esc(doc.servers[0].url) + '</code></p>';
  for (const [tag, ops] of Object.entries(byTag)) {
    nav += '<h3>' + esc(tag) + '</h3>';
    for (const { path, method, op } of ops) {
      nav += '<a href="#' + op.operationId + '">' + esc(op.summary) + '</a>';
      const params = (op.parameters || []).map((p) => '<tr><td><code>' + esc(p.name) + '</code></td><td>' + p.in + '</td><td>' + esc(p.schema.type || '') + '</td><td>' + esc(p.description) + '</td></tr>').join('');
      const schema = op.requestBody && op.requestBody.content['application/json'].schema;
      const required = new Set((schema && schema.required) || []);
      const fields = schema ? Object.entries(schema.properties || {}).map(([name, p]) => '<tr><td><code>' + esc(name) + '</code>' + (required.has(name) ? ' *' : '') + '</td><td>' + esc(p.type || (p.anyOf ? p.anyOf.map((a) => a.type).join(' | ') : 'object')) + '</td><td>' + esc(p.description) + '</td></tr>').join('') : '';
      const body = schema ? '<h4>Body</h4>' + (fields ? '<table><tr><th>Field (* required)</th><th>Type</th><th>Description</th></tr>' + fields + '</table>' : '<p>Empty object.</p>') + '<details><summary>JSON Schema</summary><pre>' + esc(JSON.stringify(schema, null, 2)) + '</pre></details>' : '';
      main += '<section id="' + op.operationId + '"><h2>' + esc(op.summary) + '</h2><p><span class="m ' + method + '">' + method + '</span> <code>' + esc(path) + '</code> · MCP tool <code>' + op.operationId + '</code>' + (op['x-flowyte-scope'] ? ' · scope <code>' + op['x-flowyte-scope'] + '</code>' : '') + '</p><p>' + esc(op.description) + '</p>' + (params ? '<table><tr><th>Parameter</th><th>In</th><th>Type</th><th>Description</th></tr>' + params + '</table>' : '') + body + '</section>';
    }
  }
  document.getElementById('nav').innerHTML = nav; document.getElementById('main').innerHTML = main;
});
</script></body></html>`;
}
