/** The voice catalog (db/catalog/voices.json): facet filters, live facet counts, phrase search. */
import fs from 'node:fs';
import { packagePath } from '../package-root.ts';

export interface Voice {
  id: string;
  name: string;
  description: string;
  language: string;
  accent: string;
  region: string;
  gender: string;
  age: string;
  category: string;
  tone: string;
  useCases: string[];
  descriptorTags: string[];
  supportedLanguages: string[];
  verifiedLanguages: { language: string; previewText: string }[];
  capabilities: Record<string, unknown>;
  tier: string;
}

export const VOICE_FACETS = ['language', 'accent', 'region', 'gender', 'age', 'category', 'tone', 'useCase'] as const;
export type VoiceFacet = (typeof VOICE_FACETS)[number];
export type VoiceFilters = Partial<Record<VoiceFacet | 'q', string>>;

/** The values a voice has for a facet (a voice speaks several languages and serves several use cases). */
function facetValues(voice: Voice, facet: VoiceFacet): string[] {
  switch (facet) {
    case 'language':
      return voice.supportedLanguages;
    case 'useCase':
      return voice.useCases;
    case 'region':
      return [voice.region.toLowerCase()];
    default:
      return [voice[facet]];
  }
}

function matchesText(voice: Voice, q: string): boolean {
  const haystack = [voice.name, voice.description, voice.accent, voice.tone, ...voice.descriptorTags, ...voice.useCases]
    .join(' ')
    .toLowerCase();
  return q.toLowerCase().split(/\s+/).filter(Boolean).every((word) => haystack.includes(word));
}

function matches(voice: Voice, filters: VoiceFilters, skip?: VoiceFacet): boolean {
  for (const facet of VOICE_FACETS) {
    const wanted = filters[facet];
    if (!wanted || facet === skip) continue;
    if (!facetValues(voice, facet).includes(wanted.toLowerCase())) return false;
  }
  return !filters.q || matchesText(voice, filters.q);
}

// Words of a phrase that name a facet value. Everything else only nudges the ranking.
const PHRASE_WORDS: Record<string, Partial<Record<VoiceFacet, string>>> = {
  woman: { gender: 'female' }, women: { gender: 'female' }, female: { gender: 'female' }, lady: { gender: 'female' },
  girl: { gender: 'female' }, man: { gender: 'male' }, men: { gender: 'male' }, male: { gender: 'male' },
  guy: { gender: 'male' }, gentleman: { gender: 'male' }, neutral: { gender: 'neutral' }, androgynous: { gender: 'neutral' },
  young: { age: 'young' }, youthful: { age: 'young' }, teen: { age: 'young' }, middle: { age: 'middle_aged' },
  mature: { age: 'middle_aged' }, old: { age: 'old' }, older: { age: 'old' }, elderly: { age: 'old' }, senior: { age: 'old' },
  british: { accent: 'british' }, english: { accent: 'british' }, uk: { accent: 'british' }, american: { accent: 'american' },
  us: { accent: 'american' }, australian: { accent: 'australian' }, aussie: { accent: 'australian' }, irish: { accent: 'irish' },
  scottish: { accent: 'scottish' }, indian: { accent: 'indian' }, canadian: { accent: 'canadian' },
  southern: { accent: 'southern' }, mexican: { accent: 'mexican' }, castilian: { accent: 'castilian' },
  parisian: { accent: 'parisian' }, brazilian: { accent: 'brazilian' }, quebecois: { accent: 'quebecois' },
  spanish: { language: 'es' }, french: { language: 'fr' }, german: { language: 'de' }, italian: { language: 'it' },
  portuguese: { language: 'pt' }, dutch: { language: 'nl' }, japanese: { language: 'ja' }, chinese: { language: 'zh' },
  mandarin: { language: 'zh' }, hindi: { language: 'hi' }, arabic: { language: 'ar' }, korean: { language: 'ko' },
  polish: { language: 'pl' }, swedish: { language: 'sv' }, turkish: { language: 'tr' },
  calm: { tone: 'calm' }, relaxed: { tone: 'calm' }, composed: { tone: 'calm' }, warm: { tone: 'warm' },
  energetic: { tone: 'energetic' }, upbeat: { tone: 'energetic' }, lively: { tone: 'energetic' },
  authoritative: { tone: 'authoritative' }, commanding: { tone: 'authoritative' }, friendly: { tone: 'friendly' },
  serious: { tone: 'serious' }, playful: { tone: 'playful' }, soothing: { tone: 'soothing' }, gentle: { tone: 'soothing' },
  support: { useCase: 'support' }, service: { useCase: 'customer_service' }, sales: { useCase: 'sales' },
  receptionist: { useCase: 'receptionist' }, reception: { useCase: 'receptionist' }, booking: { useCase: 'booking' },
  appointments: { useCase: 'booking' }, narration: { useCase: 'narration' }, audiobook: { useCase: 'narration' },
  healthcare: { useCase: 'healthcare' }, medical: { useCase: 'healthcare' }, clinic: { useCase: 'healthcare' },
  education: { useCase: 'education' }, teaching: { useCase: 'education' }, entertainment: { useCase: 'entertainment' },
  games: { useCase: 'entertainment' }, conversational: { category: 'conversational' }, professional: { category: 'professional' },
  corporate: { category: 'professional' }, character: { category: 'characters' }, narrator: { category: 'narration' },
};

export interface RankedVoice {
  voice: Voice;
  score: number;
  matched: VoiceFacet[];
}

const CATALOG_FILE = packagePath('db', 'catalog', 'voices.json');

export class VoiceCatalog {
  readonly voices: readonly Voice[];
  private readonly byId: Map<string, Voice>;

  constructor(voices: Voice[] = JSON.parse(fs.readFileSync(CATALOG_FILE, 'utf8')) as Voice[]) {
    this.voices = voices;
    this.byId = new Map(voices.map((voice) => [voice.id, voice]));
  }

  find(id: string): Voice | undefined {
    return this.byId.get(id);
  }

  /** Voices matching every given filter (AND). */
  filter(filters: VoiceFilters): Voice[] {
    return this.voices.filter((voice) => matches(voice, filters));
  }

  /** Per facet, how many voices each value would leave, given every other filter. */
  facetCounts(filters: VoiceFilters): Record<VoiceFacet, { value: string; count: number }[]> {
    const result = {} as Record<VoiceFacet, { value: string; count: number }[]>;
    for (const facet of VOICE_FACETS) {
      const counts = new Map<string, number>();
      for (const voice of this.voices) {
        if (!matches(voice, filters, facet)) continue;
        for (const value of new Set(facetValues(voice, facet))) counts.set(value, (counts.get(value) ?? 0) + 1);
      }
      result[facet] = [...counts]
        .map(([value, count]) => ({ value, count }))
        .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    }
    return result;
  }

  /** Turn a phrase into facet filters, offline, by the words it uses. */
  resolvePhrase(phrase: string): Partial<Record<VoiceFacet, string>> {
    const resolved: Partial<Record<VoiceFacet, string>> = {};
    for (const word of phrase.toLowerCase().split(/[^a-z]+/).filter(Boolean)) {
      for (const [facet, value] of Object.entries(PHRASE_WORDS[word] ?? {}) as [VoiceFacet, string][]) {
        resolved[facet] ??= value;
      }
    }
    return resolved;
  }

  /**
   * Rank voices by how many resolved facets they match, then by descriptive words shared with the
   * phrase. The facets are the phrase's, read offline, unless the caller resolved them (a model).
   */
  search(phrase: string, limit: number, filters: Partial<Record<VoiceFacet, string>> = this.resolvePhrase(phrase)): { filters: Partial<Record<VoiceFacet, string>>; results: RankedVoice[] } {
    const words = new Set(phrase.toLowerCase().split(/[^a-z]+/).filter((word) => word.length > 2));
    const ranked: RankedVoice[] = [];
    for (const voice of this.voices) {
      const matched = (Object.keys(filters) as VoiceFacet[]).filter((facet) =>
        facetValues(voice, facet).includes(filters[facet] as string),
      );
      const descriptive = [...voice.descriptorTags, ...voice.description.toLowerCase().split(/[^a-z]+/)];
      const shared = descriptive.filter((word) => words.has(word)).length;
      const score = matched.length * 2 + Math.min(shared, 3);
      if (score > 0) ranked.push({ voice, score, matched });
    }
    ranked.sort((a, b) => b.score - a.score || a.voice.id.localeCompare(b.voice.id));
    return { filters, results: ranked.slice(0, limit) };
  }
}
