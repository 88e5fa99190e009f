/**
 * Offline US geocoding from the `zipcodes` package's gazetteer (GeoNames ZIP code centroids with
 * their city and state): an address resolves by its ZIP code, else by "City, ST" / "City, State".
 * The data (about 5 MB of JavaScript) is loaded on first use, not at start-up.
 */
import { createRequire } from 'node:module';
import type * as ZipCodes from 'zipcodes';
import type { GeoPoint } from './geocoder.ts';

const require = createRequire(import.meta.url);
let gazetteer: typeof ZipCodes | undefined;

function data(): typeof ZipCodes {
  gazetteer ??= require('zipcodes') as typeof ZipCodes;
  return gazetteer;
}

const ZIP_TOKEN = /^(\d{5})(?:-\d{4})?$/;
// The longest city names people say before the state ("Salt Lake City", "Rancho Santa Margarita").
const MAX_CITY_WORDS = 4;
const STATE_WORDS = 3;
const COUNTRY = /^(?:USA?|UNITED STATES(?: OF AMERICA)?)$/i;
const CITY_PREFIXES: Record<string, string> = { ST: 'SAINT', FT: 'FORT', MT: 'MOUNT' };

/** Words of one comma-separated part, without the punctuation around them. */
function wordsOf(part: string): string[] {
  return part.split(/\s+/).map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}']+$/gu, '')).filter(Boolean);
}

/** Whether a word is a ZIP code rather than a house number ("12345 Main St" starts with one). */
function isZip(words: string[], index: number): boolean {
  return ZIP_TOKEN.test(words[index]) && !(index === 0 && words.length > 1);
}

/** The last ZIP code written in the address. */
export function zipOf(address: string): string | undefined {
  let found: string | undefined;
  for (const words of address.split(',').map(wordsOf)) {
    words.forEach((word, index) => {
      if (isZip(words, index)) found = ZIP_TOKEN.exec(word)?.[1];
    });
  }
  return found;
}

function byZip(zip: string): GeoPoint | null {
  const entry = data().lookup(zip);
  if (!entry || entry.country !== 'US') return null;
  return { lat: entry.latitude, lng: entry.longitude, precision: 'zip', label: `${entry.city}, ${entry.state} ${entry.zip}` };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A city's point: the median of its ZIP centroids (a PO-box ZIP far off does not move it). */
function byCity(city: string, state: string): GeoPoint | null {
  const [first, ...rest] = city.toUpperCase().split(' ');
  const spellings = [city, ...(CITY_PREFIXES[first] ? [[CITY_PREFIXES[first], ...rest].join(' ')] : [])];
  for (const spelling of spellings) {
    const entries = data().lookupByName(spelling, state).filter((entry) => entry.country === 'US');
    if (entries.length === 0) continue;
    return {
      lat: median(entries.map((entry) => entry.latitude)),
      lng: median(entries.map((entry) => entry.longitude)),
      precision: 'city',
      label: `${entries[0].city}, ${entries[0].state}`,
    };
  }
  return null;
}

/** The state at the end of some words ("CO", "Colorado", "New York"), and the words before it. */
function splitState(words: string[]): { state: string; before: string[] } | undefined {
  const { full } = data().states;
  for (let count = Math.min(STATE_WORDS, words.length); count >= 1; count -= 1) {
    const candidate = words.slice(-count).join(' ').toUpperCase().replace(/\./g, '');
    const state = count === 1 && /^[A-Z]{2}$/.test(candidate) ? candidate : full[candidate];
    if (state) return { state, before: words.slice(0, -count) };
  }
  return undefined;
}

/** "120 Main St, Boulder, CO" → Boulder, CO; "Boulder Colorado" too. */
function byCityAndState(address: string): GeoPoint | null {
  const parts = address
    .split(',')
    .map((part) => wordsOf(part).filter((_, index, words) => !isZip(words, index)))
    .filter((words) => words.length > 0);
  if (COUNTRY.test(parts.at(-1)?.join(' ') ?? '')) parts.pop();
  const last = parts.at(-1);
  const found = last && splitState(last);
  if (!found) return null;
  const cityWords = found.before.length ? found.before : parts.at(-2) ?? [];
  // Longest first: "Salt Lake City" before "City"; a street before the city is skipped.
  for (let count = Math.min(MAX_CITY_WORDS, cityWords.length); count >= 1; count -= 1) {
    const point = byCity(cityWords.slice(-count).join(' '), found.state);
    if (point) return point;
  }
  return null;
}

/** Resolve a free-text US address by its ZIP code, else by its city and state; null when neither is known. */
export function lookupAddress(address: string): GeoPoint | null {
  const zip = zipOf(address);
  return (zip ? byZip(zip) : null) ?? byCityAndState(address);
}
