/**
 * Which language a reply is in, for the language-fidelity gate. Detection is franc-min (trigram
 * profiles of the ~80 most spoken languages); codes are compared as base languages (ISO 639-1
 * where one exists: "pt-BR" and "por" both count as "pt").
 */
import { franc } from 'franc-min';
import { iso6393To1 } from 'iso-639-3';
import { MIN_LETTERS_TO_JUDGE } from './scenario.ts';

// franc reports individual languages; these belong to macrolanguages that carry the ISO 639-1 code.
const MACROLANGUAGE_OF: Record<string, string> = {
  arb: 'ar', azj: 'az', ckb: 'ku', cmn: 'zh', fuv: 'ff', koi: 'kv', npi: 'ne', pbu: 'ps',
  pes: 'fa', plt: 'mg', qug: 'qu', swh: 'sw', uzn: 'uz', zlm: 'ms', zsm: 'ms', zyb: 'za',
};

/** The base language of a BCP-47 tag or an ISO 639-3 code, as ISO 639-1 where there is one. */
export function baseLanguage(tag: string): string {
  const primary = tag.split('-')[0].toLowerCase();
  return iso6393To1[primary] ?? MACROLANGUAGE_OF[primary] ?? primary;
}

/** The base language of a text, or null when it is too short (or too odd) to judge. */
export function detectLanguage(text: string): string | null {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (letters < MIN_LETTERS_TO_JUDGE) return null;
  const detected = franc(text);
  return detected === 'und' ? null : baseLanguage(detected);
}
