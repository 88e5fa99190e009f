/**
 * Entity extractors over free text: phone, email, order id, ZIP, street address, number, enum,
 * yes/no and personal name. Each returns the first confident value or undefined — never a guess.
 */
import { phoneNumbers } from '../../phone-numbers.ts';
import { isStopword, stem, stemSet } from './text.ts';

// A run that could be a phone number; libphonenumber decides whether it is one.
const PHONE_CANDIDATE = /\+?\(?\d[\d\s().-]{7,}\d/g;

/** The first phone number in the text, as E.164 (US by default). */
export function extractPhone(text: string): string | undefined {
  const valid = phoneNumbers().findPhoneNumbersInText(text, { defaultCountry: 'US' })[0];
  if (valid) return valid.number.number;
  // Second pass for "possible" numbers: callers and testers use fictional 555 numbers that are
  // not "valid" in the numbering plan but are clearly meant as a phone number.
  for (const match of text.matchAll(PHONE_CANDIDATE)) {
    const parsed = phoneNumbers().parsePhoneNumberFromString(match[0], 'US');
    if (parsed?.isPossible()) return parsed.number;
  }
  return undefined;
}

const EMAIL = /[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/i;

/** The first email address in the text, lower-cased. */
export function extractEmail(text: string): string | undefined {
  return EMAIL.exec(text)?.[0].toLowerCase();
}

const ORDER_KEYWORD = /\b(?:order|confirmation|reference|ref|tracking|ticket|booking|invoice)(?:\s+(?:number|no\.?|id|#))?\s*(?:is\s+)?[:#]?\s*([a-z0-9][a-z0-9-]{2,})\b/i;
const HASH_ID = /#\s?([a-z0-9][a-z0-9-]{2,})\b/i;
const MIXED_TOKEN = /\b(?=[a-z-]*\d)(?=\d*[a-z])[a-z0-9]+(?:-[a-z0-9]+)*\b/gi;
const LONG_DIGITS = /(?<![\d+(-])\b\d{4,}\b(?![-\d])/g;
// Mixed tokens that are times, ordinals or units, not identifiers.
const NOT_AN_ID = /^(?:\d{1,2}(?:am|pm)|\d+(?:st|nd|rd|th|s|k|h|m|min|mins|hr|hrs|kg|lb|lbs)|[a-z]\d?)$/i;

/** An order / reference id: "#A1234", "order 55123", or a token that mixes letters and digits or has 4+ digits. */
export function extractOrderId(text: string): string | undefined {
  const keyed = ORDER_KEYWORD.exec(text)?.[1];
  if (keyed && /\d/.test(keyed)) return keyed.toUpperCase();
  const hashed = HASH_ID.exec(text)?.[1];
  if (hashed && /\d/.test(hashed)) return hashed.toUpperCase();
  for (const match of text.matchAll(MIXED_TOKEN)) if (!NOT_AN_ID.test(match[0])) return match[0].toUpperCase();
  // Plain digit runs last, and only when they are not part of a phone number.
  if (extractPhone(text)) return undefined;
  return text.match(LONG_DIGITS)?.[0];
}

// Not part of a longer token such as "B-20417" or a phone number.
const ZIP = /(?<![\w#-])\d{5}(?:-\d{4})?(?![\w-])/g;
const ZIP_CONTEXT = /\b(?:zip|postal)(?:\s+code)?\s*(?:is\s+)?[:#]?\s*(\d{5}(?:-\d{4})?)\b/i;

/** A US ZIP code; an explicit "zip 94103" wins over a bare five-digit number, and "order 12345" is skipped. */
export function extractZip(text: string): string | undefined {
  const explicit = ZIP_CONTEXT.exec(text)?.[1];
  if (explicit) return explicit;
  for (const match of text.matchAll(ZIP)) {
    const before = text.slice(Math.max(0, (match.index ?? 0) - 12), match.index).toLowerCase();
    if (/(?:order|#|number|no\.?|ref)\s*$/.test(before)) continue;
    return match[0];
  }
  return undefined;
}

const STREET_SUFFIX =
  'street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|ter|parkway|pkwy|highway|hwy|circle|cir|square|sq|trail|trl';
const ADDRESS = new RegExp(
  `\\b\\d{1,6}(?:\\s+(?:[NSEW]\\.?|north|south|east|west))?(?:\\s+[A-Za-z0-9'.-]+){1,4}?\\s+(?:${STREET_SUFFIX})\\b\\.?` +
    `(?:,?\\s+(?:apt|apartment|suite|ste|unit)\\.?\\s*#?\\s*[A-Za-z0-9-]+)?`,
  'gi',
);

/** A street address line: "1200 Main St", "55 West Oak Avenue, Apt 4B". */
export function extractAddress(text: string): string | undefined {
  for (const match of text.matchAll(ADDRESS)) {
    // "3 people on Main Street" is not an address: street names hold no function words.
    const streetWords = match[0].split(/[\s,]+/).slice(1, -1);
    if (streetWords.some((word) => isStopword(word.toLowerCase()))) continue;
    return match[0].replace(/[.,]$/, '').trim();
  }
  return undefined;
}

const NUMBER_WORDS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, dozen: 12,
};
const NUMBER = /(?<![\d:#$.-])\b(\d+(?:\.\d+)?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen)\b(?![:\d]|\s*(?:am|pm|a\.m|p\.m)\b|(?:st|nd|rd|th)\b)/gi;

/**
 * A number. With `cues` (stems of the field's name and description, e.g. "guest", "people") only
 * a number right before or after a cue word counts ("for 3 people"); without cues, the first one.
 */
export function extractNumber(text: string, cues?: ReadonlySet<string>): number | undefined {
  for (const match of text.matchAll(NUMBER)) {
    const token = match[1].toLowerCase();
    const value = token in NUMBER_WORDS ? NUMBER_WORDS[token] : Number(token);
    if (!cues) return value;
    const at = match.index ?? 0;
    const after = text.slice(at + match[0].length, at + match[0].length + 24).toLowerCase().match(/[a-z]+/g) ?? [];
    const before = text.slice(Math.max(0, at - 24), at).toLowerCase().match(/[a-z]+/g) ?? [];
    const near = [...after.slice(0, 2), ...before.slice(-2)];
    if (near.some((word) => cues.has(stem(word)))) return value;
  }
  return undefined;
}

/** The enum value the text names (all of its words present, longest value first). */
export function extractEnum(text: string, values: readonly string[]): string | undefined {
  const present = stemSet(text);
  let best: string | undefined;
  let bestSize = 0;
  for (const value of values) {
    const valueStems = stemSet(value.replace(/[_-]+/g, ' '));
    if (valueStems.size === 0) continue;
    let all = true;
    for (const item of valueStems) if (!present.has(item)) all = false;
    if (all && valueStems.size > bestSize) {
      best = value;
      bestSize = valueStems.size;
    }
  }
  return best;
}

const YES = /^(?:yes|yeah|yep|yup|sure|correct|right|ok|okay|affirmative|absolutely|of course|that's right|i do|i am|please do)\b/i;
const NO = /^(?:no|nope|nah|not really|negative|i don't|i do not|i'm not|i am not|don't)\b/i;

/** A yes/no answer at the start of the text. */
export function extractBoolean(text: string): boolean | undefined {
  const trimmed = text.trim();
  if (NO.test(trimmed)) return false;
  if (YES.test(trimmed)) return true;
  return undefined;
}

// "my name is …" is a strong cue in any case; "this is …" / "I'm …" only with a capitalised name.
const STRONG_INTRO = /\b(?:my name is|my name's|name is|call me)\s+([\p{L}'-]+(?:\s+[\p{L}'-]+){0,2})/iu;
const WEAK_INTRO = /\b(?:[Tt]his is|I am|I'm|I’m)\s+(\p{Lu}[\p{L}'-]*(?:\s+\p{Lu}[\p{L}'-]*){0,2})/u;
const ANSWER_LEAD = /^(?:(?:hi|hello|hey)[,!]?\s+)?(?:my name is|my name's|name is|this is|it's|it is|i am|i'm|call me)\s+/i;
const NAME_ONLY = /^[\p{L}'-]+(?:\s+[\p{L}'-]+){0,3}$/u;
// Words after "I'm" that describe a state or action, not a name.
const NOT_A_NAME = new Set(['looking', 'calling', 'trying', 'interested', 'just', 'not', 'here', 'good', 'fine', 'sorry', 'wondering', 'having', 'still', 'also', 'going', 'new', 'no', 'yes', 'sure', 'ok', 'okay', 'hi', 'hello', 'thanks']);

/** "ana de silva" → "Ana De Silva"; transcripts are often lower-case. */
function titleCase(name: string): string {
  return name.replace(/(^|\s)(\p{Ll})/gu, (_whole, space: string, letter: string) => space + letter.toUpperCase());
}

/** Keep the leading words up to the first function word ("ana and my phone…" → "ana"). */
function leadingNameWords(phrase: string, afterNameIntro = false): string {
  const kept: string[] = [];
  for (const word of phrase.split(/\s+/)) {
    const lower = word.toLowerCase();
    // Right after "my name is", a capitalised function word is a name ("Will", "May").
    const nameLike = afterNameIntro && kept.length === 0 && word !== lower;
    if (NOT_A_NAME.has(lower) || (isStopword(lower) && !nameLike)) break;
    kept.push(word);
  }
  return kept.join(' ');
}

/**
 * A person's name. Introduced ("my name is Ana Silva", "this is Ana") anywhere; as a bare
 * answer ("Ana Silva", "it's ana") only when `answer` says the text replies to "what is your name?".
 */
export function extractName(text: string, answer = false): string | undefined {
  const strong = STRONG_INTRO.exec(text)?.[1];
  const introduced = strong !== undefined ? leadingNameWords(strong, true) : leadingNameWords(WEAK_INTRO.exec(text)?.[1] ?? '');
  if (introduced) return titleCase(introduced);
  if (!answer) return undefined;
  // "It's Ana Silva, and my number is…": the name is the words before the first punctuation.
  const clause = text.trim().replace(ANSWER_LEAD, '').split(/[,.;:!?]/)[0].trim();
  const bare = leadingNameWords(clause);
  return bare && NAME_ONLY.test(bare) ? titleCase(bare) : undefined;
}
