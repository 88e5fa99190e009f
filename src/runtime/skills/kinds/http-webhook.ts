/** http_webhook: call the operator's URL with what was collected; the JSON reply goes to the model. */
import { z } from 'zod';
import { safeFetch } from '../../net/safe-fetch.ts';
import { FlowyteError } from '../../../errors.ts';
import { UNAVAILABLE, headersSchema, type SkillKind } from '../kind.ts';

const REPLY_CHARS = 4000;

const parameterShorthand = z.object({
  name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a variable-style name').max(64),
  description: z.string().max(500).default(''),
  type: z.enum(['string', 'number', 'integer', 'boolean']).default('string'),
  required: z.boolean().default(true),
});

export const httpWebhook: SkillKind = {
  skillType: 'http_webhook',
  config: z.object({
    url: z.string().url().max(2048),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH']).default('POST'),
    headers: headersSchema.default({}),
    timeout_ms: z.number().int().min(100).max(30_000).default(8000),
    /** Shorthand for parametersSchema; turned into one on save. */
    parameters: z.array(parameterShorthand).max(50).optional(),
  }),
  urlSettings: ['url'],
  async execute({ skill, input, conversation, signal }, environment) {
    const config = skill.executionConfig as { url: string; method: string; headers: Record<string, string>; timeout_ms: number };
    const query = config.method === 'GET';
    const url = new URL(config.url);
    if (query) for (const [name, value] of Object.entries(input)) url.searchParams.set(name, typeof value === 'string' ? value : JSON.stringify(value));
    try {
      const response = await safeFetch(url.href, {
        method: config.method,
        headers: { ...(query ? {} : { 'content-type': 'application/json' }), accept: 'application/json', ...config.headers, 'x-flowyte-conversation': conversation.id },
        body: query ? undefined : JSON.stringify(input),
        timeoutMs: config.timeout_ms,
        maxBytes: Math.min(environment.fetchMaxBytes, 1024 * 1024),
        allowPrivateNetwork: environment.allowPrivateNetwork,
        maxRedirects: 0,
        signal,
      });
      const text = response.body.toString('utf8');
      if (response.status < 200 || response.status >= 300) {
        return { ok: false, output: { error: `the webhook answered ${response.status}`, message: UNAVAILABLE } };
      }
      try {
        const reply = JSON.parse(text) as unknown;
        return { ok: true, output: reply && typeof reply === 'object' && !Array.isArray(reply) ? (reply as Record<string, unknown>) : { result: reply } };
      } catch {
        return { ok: true, output: { result: text.slice(0, REPLY_CHARS) } };
      }
    } catch (error) {
      const reason = error instanceof FlowyteError ? error.message : 'the request failed';
      return { ok: false, output: { error: reason, message: UNAVAILABLE } };
    }
  },
};
