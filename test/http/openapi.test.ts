/**
 * The OpenAPI document as tools read it: Redocly CLI's recommended ruleset and swagger-parser on
 * the served document, named component schemas, the 4XX problems an operation really answers,
 * multipart uploads, streams and examples that validate against their own schemas.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, createPlatform, type Platform } from '../helpers.ts';
import { ROOT } from '../support/cli.ts';

const REDOCLY = path.join(ROOT, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');

/**
 * The contract's GET /numbers/available/{e164} and POST|DELETE /numbers/{id}/assign match the same
 * URL only for a number id "available" (ids are num_…) and never share a method, but Redocly's
 * no-ambiguous-paths compares templates alone. The paths are the contract's: ignore that one.
 */
const LINT_IGNORE = `openapi.json:\n  no-ambiguous-paths:\n    - '#/paths/~1numbers~1{id}~1assign'\n`;

type Operation = {
  operationId: string;
  parameters?: { name: string; in: string; description?: string }[];
  requestBody?: { content: Record<string, { schema: unknown; example?: unknown }> };
  responses: Record<string, { $ref?: string; description?: string; content?: Record<string, { schema: unknown; example?: unknown }> }>;
};

let platform: Platform;
let document: { paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, unknown>> };

function operationNamed(name: string): { path: string; method: string; operation: Operation } {
  for (const [pathName, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) if (operation.operationId === name) return { path: pathName, method, operation };
  }
  throw new Error(`no operation ${name}`);
}

beforeAll(async () => {
  platform = createPlatform({ publicBaseUrl: 'https://flowyte.example' });
  document = await body(await platform.app.request('/api/v1/openapi.json'));
});
afterAll(() => platform?.close());

describe('the OpenAPI document', () => {
  it('passes Redocly lint (recommended ruleset) with no errors and no warnings', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'flowyte-openapi-'));
    try {
      fs.writeFileSync(path.join(folder, 'openapi.json'), JSON.stringify(document));
      fs.writeFileSync(path.join(folder, '.redocly.lint-ignore.yaml'), LINT_IGNORE);
      const { stdout } = await promisify(execFile)(process.execPath, [REDOCLY, 'lint', 'openapi.json', '--format=json', '--max-problems=1000'], {
        cwd: folder,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      });
      const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number; ignored: number }; problems: { ruleId: string; message: string }[] };
      console.log(`redocly lint: ${report.totals.errors} errors, ${report.totals.warnings} warnings, ${report.totals.ignored} ignored`);
      expect(report.problems.map((problem) => `${problem.ruleId}: ${problem.message}`)).toEqual([]);
      expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 1 });
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  }, 120_000);

  it('is a valid OpenAPI 3.1 document for swagger-parser', async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
  });

  it('names the shared resource shapes once in components.schemas and references them', () => {
    const schemas = document.components.schemas;
    for (const name of ['Agent', 'AgentVersion', 'KnowledgeSource', 'Skill', 'ChatSession', 'Conversation', 'Voice', 'PublishableKey', 'WebhookEndpoint', 'Number']) {
      expect(schemas[name], name).toMatchObject({ type: 'object' });
    }
    const data = (name: string) => (operationNamed(name).operation.responses['200'] ?? operationNamed(name).operation.responses['201']).content!['application/json'].schema as {
      properties: { data: { $ref?: string; items?: { $ref?: string } } };
    };
    expect(data('get_agent').properties.data.$ref).toBe('#/components/schemas/Agent');
    expect(data('create_agent').properties.data.$ref).toBe('#/components/schemas/Agent');
    expect(data('list_agents').properties.data.items?.$ref).toBe('#/components/schemas/Agent');
    expect(data('list_numbers').properties.data.items?.$ref).toBe('#/components/schemas/Number');
    // Nothing is left inline under zod's own $defs.
    expect(JSON.stringify(document)).not.toContain('#/$defs/');
  });

  it('documents the 4XX problems each operation really answers', async () => {
    const { path: agentPath, operation } = operationNamed('update_agent');
    expect(agentPath).toBe('/agents/{id}');
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409', '413', '415', '429', 'default']);
    const created = await body(await platform.request('POST', '/agents', { body: { name: 'Docs' } }));
    const id = created.data.id as string;
    const patch = (options: Parameters<Platform['request']>[2]) => platform.request('PATCH', `/agents/${id}`, options);
    const statuses = [
      (await patch({ body: { name: '' } })).status,
      (await patch({ body: { name: 'x' }, token: 'flowyte_sk_not_a_key' })).status,
      (await platform.request('PATCH', `/agents/${id}`, { body: { name: 'x' }, token: platform.keyWith(['agents:read']) })).status,
      (await platform.request('PATCH', '/agents/agt_missing', { body: { name: 'x' } })).status,
      (await patch({ body: { name: 'x' }, headers: { 'If-Match': '999' } })).status,
      (await platform.app.request(`/api/v1/agents/${id}`, { method: 'PATCH', body: 'name=x', headers: { Authorization: `Bearer ${platform.orgA.apiKey.secret}`, 'Content-Type': 'text/plain' } })).status,
    ];
    expect(statuses).toEqual([400, 401, 403, 404, 409, 415]);
    for (const status of statuses) expect(operation.responses[String(status)].$ref).toMatch(/^#\/components\/responses\//);
    // An operation open to any credential, without ids, If-Match or a body documents none of those.
    expect(Object.keys(operationNamed('get_account').operation.responses).sort()).toEqual(['200', '400', '401', '429', 'default']);
    expect(Object.keys(operationNamed('credit_wallet').operation.responses)).toEqual(expect.arrayContaining(['409', '422']));
  });

  it('says plainly that Idempotency-Key is optional and that a retry without it repeats the effect', () => {
    const header = operationNamed('credit_wallet').operation.parameters?.find((parameter) => parameter.name === 'Idempotency-Key');
    expect(header).toMatchObject({ in: 'header', required: false });
    expect(header?.description).toMatch(/^Optional\./);
    expect(header?.description).toContain('A retry WITHOUT a key repeats the effect');
    expect(header?.description).toContain('`POST /billing/wallet/credit` credits twice');
  });

  it('documents POST /uploads as multipart/form-data with a file part, and as JSON base64', async () => {
    const { operation } = operationNamed('upload_file');
    const multipart = operation.requestBody!.content['multipart/form-data'].schema as { required: string[]; properties: Record<string, { format?: string }> };
    expect(multipart.required).toEqual(['file']);
    expect(multipart.properties.file.format).toBe('binary');
    expect(Object.keys(multipart.properties)).not.toContain('contentBase64');
    expect(operation.requestBody!.content['application/json'].schema).toMatchObject({ required: ['filename', 'contentBase64'] });
    // What the document says is what the route takes: a form with only the file part.
    const form = new FormData();
    form.append('file', new File(['hello'], 'hello.txt', { type: 'text/plain' }));
    const response = await platform.app.request('/api/v1/uploads', { method: 'POST', body: form, headers: { Authorization: `Bearer ${platform.orgA.apiKey.secret}` } });
    expect(response.status).toBe(201);
    expect((await body(response)).data).toMatchObject({ filename: 'hello.txt', contentType: 'text/plain', sizeBytes: 5 });
  });

  it('lists the events of every streaming operation, ending with done and error', () => {
    const streaming = Object.values(document.paths).flatMap((item) =>
      Object.values(item).filter((operation) => Object.values(operation.responses).some((response) => response.content?.['text/event-stream'])),
    );
    expect(streaming.map((operation) => operation.operationId).sort()).toEqual(
      ['assist', 'assist_agent', 'create_chat_completion', 'scaffold_agent', 'send_chat_message', 'send_widget_message', 'simulate_agent', 'stream_knowledge_source', 'stream_probe_run'],
    );
    const frames = (name: string) => {
      const stream = operationNamed(name).operation.responses['200'].content!['text/event-stream'].schema as { items: { oneOf: { title: string }[] } };
      return stream.items.oneOf.map((frame) => frame.title);
    };
    expect(frames('stream_knowledge_source')).toEqual(['status', 'progress', 'done', 'error']);
    expect(frames('send_chat_message')).toEqual(expect.arrayContaining(['user_utterance', 'agent_message', 'tool_call', 'kb_retrieval', 'token', 'done', 'error']));
    expect(frames('create_chat_completion')).toEqual(['chat.completion.chunk', '[DONE]']);
    expect(operationNamed('stream_knowledge_source').operation.responses['200'].description).toContain('event: status\ndata: {');
  });

  it('gives every request and response body an example that validates against its schema', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ ...document, $id: 'openapi.json' });
    const pointer = (...parts: string[]) => parts.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
    let checked = 0;
    const failures: string[] = [];
    for (const [pathName, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const media = [
          ...Object.entries(operation.requestBody?.content ?? {}).map(([type, entry]) => ({ at: pointer('requestBody', 'content', type), entry })),
          ...Object.entries(operation.responses).flatMap(([status, response]) =>
            Object.entries(response.content ?? {}).map(([type, entry]) => ({ at: pointer('responses', status, 'content', type), entry })),
          ),
        ].filter(({ entry }) => (entry.schema as { format?: string }).format !== 'binary');
        for (const { at, entry } of media) {
          expect(entry.example, `${operation.operationId} ${at}`).toBeDefined();
          const ref = `openapi.json#/${pointer('paths', pathName, method)}/${at}/schema`;
          if (!ajv.validate({ $ref: ref }, entry.example)) failures.push(`${operation.operationId} ${at}: ${ajv.errorsText()}`);
          checked += 1;
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(200);
  });
});
