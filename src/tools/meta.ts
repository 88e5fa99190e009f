/** Account capability flags and the language capability matrix. */
import fs from 'node:fs';
import { z } from 'zod';
import { defineTool } from './define.ts';
import { packagePath } from '../package-root.ts';

const LANGUAGES_FILE = packagePath('db', 'catalog', 'languages.json');
const tiers = z.array(z.string()).describe('Voice-quality tiers that support the language.');

const languageMatrixSchema = z.object({
  agentTypes: z.array(z.string()).describe('single_language and multilingual.'),
  tiers: z.array(z.string()).describe('budget, standard and premium.'),
  languages: z
    .array(
      z.object({
        code: z.string().describe('BCP-47 code.'),
        name: z.string().describe('English name.'),
        nativeName: z.string().describe('Name in the language itself.'),
        agentTypes: z.object({ single_language: tiers, multilingual: tiers }).describe('Tiers per agent type.'),
      }),
    )
    .describe('One row per language.'),
});

const languageMatrix = languageMatrixSchema.parse(JSON.parse(fs.readFileSync(LANGUAGES_FILE, 'utf8')));
const catalogLanguages = new Set(languageMatrix.languages.map((language) => language.code));

/** Whether a BCP-47 code names a language of the catalog (/meta/languages); a region such as pt-BR goes with its language. */
export function isCatalogLanguage(code: string): boolean {
  return catalogLanguages.has(code) || catalogLanguages.has(code.split('-')[0]!);
}

export const getAccount = defineTool({
  name: 'get_account',
  title: 'Get your account info',
  description: 'Returns your organization and the capability flags an app reads on load. Any authenticated caller may read it.',
  http: { method: 'GET', path: '/meta/account' },
  auth: 'any',
  toolset: 'meta',
  flags: { readOnly: true, idempotent: true },
  input: z.object({}),
  output: z.object({
    orgId: z.string().describe('Your organization.'),
    orgName: z.string().describe('Its name.'),
    actor: z
      .object({ type: z.string().describe('user, api_key or visitor.'), id: z.string().describe('Its id.') })
      .describe('Who is calling.'),
    scopes: z.array(z.string()).describe('Scopes the credential holds.'),
    capabilities: z
      .object({
        outboundCalling: z.boolean().describe('Whether the org may place outbound calls.'),
        sms: z.boolean().describe('Whether SMS is registered for the org.'),
        embeddedRuntime: z.boolean().describe('Agents run on the embedded runtime.'),
      })
      .describe('Capability flags.'),
  }),
  execute: async (_input, context) => ({
    orgId: context.org.id,
    orgName: context.org.name,
    actor: { type: context.actor.type, id: context.actor.id },
    scopes: [...context.actor.scopes].sort(),
    capabilities: { outboundCalling: false, sms: false, embeddedRuntime: true },
  }),
});

export const getLanguageMatrix = defineTool({
  name: 'get_language_matrix',
  title: 'Get language capability matrix',
  description:
    'Lists which languages each agent type (single-language or multilingual) supports at each voice-quality tier (budget, standard, premium).',
  http: { method: 'GET', path: '/meta/languages' },
  auth: 'any',
  toolset: 'meta',
  flags: { readOnly: true, idempotent: true },
  input: z.object({}),
  output: languageMatrixSchema,
  execute: async () => languageMatrix,
});
