/** The voice catalog: browse by facet, live facet counts, and phrase search. */
import { z } from 'zod';
import { defineTool, listOf } from './define.ts';
import { VOICE_FACETS, type Voice, type VoiceFacet, type VoiceFilters } from '../runtime/voices.ts';
import type { ToolContext } from './types.ts';
import { chatModelFor } from '../runtime/models/chat-model.ts';
import { facetsByModel } from '../runtime/models/phrase-facets.ts';

const facet = (description: string) => z.string().max(64).optional().describe(description);

const filterShape = {
  language: facet('BCP-47 code the voice can speak, e.g. "es".'),
  accent: facet('Accent, e.g. "british", "american", "mexican".'),
  region: facet('Region code, e.g. "GB".'),
  gender: facet('"female", "male" or "neutral".'),
  age: facet('"young", "middle_aged" or "old".'),
  category: facet('"conversational", "narration", "characters" or "professional".'),
  tone: facet('e.g. "calm", "warm", "energetic", "friendly".'),
  useCase: facet('e.g. "support", "sales", "receptionist", "booking".'),
  q: z.string().max(200).optional().describe('Words the name, description or tags must all contain.'),
};

const facetCountsSchema = z.array(
  z.object({ value: z.string().describe('Facet value.'), count: z.number().int().describe('Voices it would leave.') }),
);

export const voiceSchema = z.object({
  id: z.string().describe('Voice id (voc_…), to pass to set_agent_voice.'),
  name: z.string().describe('Display name.'),
  description: z.string().describe('How it sounds.'),
  language: z.string().describe('Native language.'),
  accent: z.string().describe('Accent.'),
  region: z.string().describe('Region code.'),
  gender: z.string().describe('Gender.'),
  age: z.string().describe('Age band.'),
  category: z.string().describe('Category.'),
  tone: z.string().describe('Tone.'),
  useCases: z.array(z.string()).describe('What it suits.'),
  descriptorTags: z.array(z.string()).describe('Mood words.'),
  supportedLanguages: z.array(z.string()).describe('Languages it can speak.'),
  verifiedLanguages: z
    .array(z.object({ language: z.string().describe('Language code.'), previewText: z.string().describe('Line the preview speaks.') }))
    .describe('Languages verified for this voice, with the preview line.'),
  capabilities: z.record(z.string(), z.unknown()).describe('Tuning settings it supports and its safe speed band.'),
  tier: z.string().describe('Voice-quality tier: budget, standard or premium.'),
  previewUrl: z.string().nullable().describe('Audio sample; null in the embedded catalog, which ships no audio.'),
});

export function presentVoice(voice: Voice): z.input<typeof voiceSchema> {
  return { ...voice, previewUrl: null };
}

export const listVoices = defineTool({
  name: 'list_voices',
  title: 'List the voice catalog',
  description:
    'Returns the voice catalog as one flat list, narrowed by any facets you pass (all must match). Use get_voice_facets for counts and search_voices for a plain-language description.',
  http: { method: 'GET', path: '/voices' },
  scope: 'agents:read',
  toolset: 'voices',
  flags: { list: true, readOnly: true, idempotent: true },
  input: z.object(filterShape),
  output: listOf(voiceSchema, 'Matching voices.', { total: z.number().int().describe('How many matched.') }),
  execute: async (input, context) => {
    const items = context.services.voices.filter(input as VoiceFilters).map(presentVoice);
    return { items, total: items.length };
  },
});

export const getVoiceFacets = defineTool({
  name: 'get_voice_facets',
  title: 'Get voice filter counts',
  description:
    'For each voice facet, how many voices each value would leave given the other filters you pass, so a picker can show "female · 32" beside each choice.',
  http: { method: 'GET', path: '/voices/facets' },
  scope: 'agents:read',
  toolset: 'voices',
  flags: { readOnly: true, idempotent: true },
  input: z.object(filterShape),
  output: z.object({
    total: z.number().int().describe('Voices matching every filter.'),
    facets: z
      .object(Object.fromEntries(VOICE_FACETS.map((name) => [name, facetCountsSchema.describe(`Counts per ${name}.`)])))
      .describe('Counts per facet value, largest first.'),
  }),
  execute: async (input, context) => {
    const filters = input as VoiceFilters;
    return { total: context.services.voices.filter(filters).length, facets: context.services.voices.facetCounts(filters) };
  },
});

export const searchVoices = defineTool({
  name: 'search_voices',
  title: 'Search voices by description',
  description:
    'Turns a phrase such as "calm older british woman for support" into facet filters and returns them with a short ranked list of voices to audition.',
  http: { method: 'POST', path: '/voices/search' },
  scope: 'agents:read',
  toolset: 'voices',
  flags: { list: true, readOnly: true, idempotent: true },
  input: z.object({
    query: z.string().min(1).max(300).describe('What the voice should sound like, in plain words.'),
    limit: z.number().int().min(1).max(20).default(5).describe('How many voices to return (1-20).'),
  }),
  output: listOf(
    voiceSchema.extend({
      score: z.number().describe('Higher is a closer match.'),
      matched: z.array(z.string()).describe('Resolved facets this voice matches.'),
    }),
    'Best matches first.',
    { filters: z.record(z.string(), z.string()).describe('Facets the phrase resolved to.') },
  ),
  execute: async (input, context) => {
    const { filters, results } = context.services.voices.search(input.query, input.limit, await facetsFromModel(context, input.query));
    return {
      filters,
      items: results.map((result) => ({ ...presentVoice(result.voice), score: result.score, matched: result.matched })),
    };
  },
});

/** With a configured model, the phrase's facets as the model reads them; undefined (the offline matcher) otherwise or when it fails. */
async function facetsFromModel(context: ToolContext, phrase: string): Promise<Partial<Record<VoiceFacet, string>> | undefined> {
  const { voices, config, logger } = context.services;
  if (config.model.provider === 'local') return undefined;
  const counts = voices.facetCounts({});
  const allowed = Object.fromEntries(VOICE_FACETS.map((facet) => [facet, counts[facet].map((count) => count.value)]));
  try {
    const picked = await facetsByModel(chatModelFor(config.model), phrase, allowed, context.signal);
    return Object.keys(picked).length ? picked : undefined;
  } catch (error) {
    logger.error('voice search: the model could not resolve the phrase; using the offline matcher', { error: String(error) });
    return undefined;
  }
}
