/**
 * What an org may buy: the carrier's stock minus the numbers owned by any org of this deployment
 * and the unexpired holds of other orgs (an org's own hold stays buyable, by it). Search can widen
 * a filter that finds nothing, one step at a time, and says which filters it let go.
 */
import type { Services } from '../../services.ts';
import { numberPrice } from '../billing/prices.ts';
import { areaCodeInfo } from './area-codes.ts';
import type { CarrierNumber, NumberQuery } from './carrier.ts';
import type { Standing } from '../../store/numbers.ts';

/** The filters a best-effort search may let go, in the order it does (number type and features always hold). */
export const RELAXABLE_FILTERS = ['contains', 'endsWith', 'locality', 'areaCode', 'administrativeArea'] as const;
export type RelaxableFilter = (typeof RELAXABLE_FILTERS)[number];

/** A number for sale, as one org sees it. */
export interface AvailableNumber extends CarrierNumber {
  provider: string;
  monthlyCents: number;
  setupCents: number;
  /** The org's own unexpired hold on it, if any. */
  reservationId: string | null;
  /** Filters of the search this number does not meet (best-effort widening); empty for an exact match. */
  relaxedFilters: RelaxableFilter[];
}

/** One search query, and the filters of the original it gave up. */
export interface SearchStep {
  query: NumberQuery;
  relaxed: RelaxableFilter[];
}

/** Where a page of search results left off: the widening step it came from, and its last number. */
export interface SearchPosition {
  step: number;
  after: string;
}

type Deps = Pick<Services, 'carrier' | 'numbers'>;

const KEYPAD = ['', '', 'abc', 'def', 'ghi', 'jkl', 'mno', 'pqrs', 'tuv', 'wxyz'];

/** A vanity pattern as keypad digits: letters become the digit they sit on (FLOWERS → 3569377). */
export function keypadDigits(pattern: string): string {
  return [...pattern.toLowerCase()].map((character) => (/\d/.test(character) ? character : String(KEYPAD.findIndex((keys) => keys.includes(character))))).join('');
}

/** Whether the org may take a number: nobody here owns it and no other org holds it. */
export function openTo(orgId: string, standing: Standing): boolean {
  return standing.ownerOrgId === null && (standing.hold === null || standing.hold.orgId === orgId);
}

function offer(provider: string, orgId: string, number: CarrierNumber, standing: Standing, relaxed: RelaxableFilter[]): AvailableNumber {
  const price = numberPrice(number.numberType);
  return {
    ...number,
    provider,
    monthlyCents: price.monthlyCents,
    setupCents: price.setupCents,
    reservationId: standing.hold?.orgId === orgId ? standing.hold.id : null,
    relaxedFilters: relaxed,
  };
}

/**
 * The queries a best-effort search tries in turn: as given; without the vanity digits; without
 * the city; with the area code widened to its state; without any place at all. The number type
 * and required features always hold. Steps that would not change the query are left out.
 */
export function wideningSteps(query: NumberQuery): SearchStep[] {
  const steps: SearchStep[] = [{ query, relaxed: [] }];
  const widen = (filters: RelaxableFilter[], change: (current: NumberQuery) => NumberQuery) => {
    const last = steps.at(-1)!;
    const next = change(last.query);
    if (sameQuery(next, last.query)) return;
    const given = filters.filter((filter) => query[filter] !== undefined);
    steps.push({ query: next, relaxed: [...new Set([...last.relaxed, ...given])] });
  };
  widen(['contains', 'endsWith'], ({ contains: _contains, endsWith: _endsWith, ...rest }) => rest);
  widen(['locality'], ({ locality: _locality, ...rest }) => rest);
  const state = query.areaCode === undefined ? undefined : areaCodeInfo(query.areaCode)?.administrativeArea;
  if (state) widen(['areaCode'], ({ areaCode: _areaCode, ...rest }) => ({ ...rest, administrativeArea: rest.administrativeArea ?? state }));
  widen(['areaCode', 'administrativeArea'], ({ areaCode: _areaCode, administrativeArea: _state, ...rest }) => rest);
  return steps;
}

function sameQuery(a: NumberQuery, b: NumberQuery): boolean {
  const key = (query: NumberQuery) => JSON.stringify(Object.entries(query).filter(([, value]) => value !== undefined).sort(([x], [y]) => x.localeCompare(y)));
  return key(a) === key(b);
}

/** One page of a step's results open to the org, reading the carrier's stock in batches. */
async function availablePage(services: Deps, orgId: string, step: SearchStep, after: string | undefined, limit: number) {
  const items: AvailableNumber[] = [];
  let cursor = after;
  for (;;) {
    const batch = await services.carrier.search(step.query, { after: cursor, limit: limit + 1 });
    const standings = services.numbers.standing(batch.map((number) => number.e164));
    for (const number of batch) {
      const standing = standings.get(number.e164)!;
      if (openTo(orgId, standing)) items.push(offer(services.carrier.name, orgId, number, standing, step.relaxed));
    }
    if (items.length > limit || batch.length <= limit) break;
    cursor = batch.at(-1)!.e164;
  }
  return { items: items.slice(0, limit), hasMore: items.length > limit };
}

/**
 * A page of numbers the org could buy. The first page of a best-effort search takes the first
 * widening step that finds anything; later pages (`position`) stay on that step.
 */
export async function searchAvailable(
  services: Deps,
  orgId: string,
  query: NumberQuery,
  options: { bestEffort: boolean; limit: number; position?: SearchPosition },
): Promise<{ items: AvailableNumber[]; next: SearchPosition | null }> {
  const steps = options.bestEffort ? wideningSteps(query) : wideningSteps(query).slice(0, 1);
  let index = options.position ? Math.min(options.position.step, steps.length - 1) : 0;
  let page = await availablePage(services, orgId, steps[index], options.position?.after, options.limit);
  while (!options.position && page.items.length === 0 && index < steps.length - 1) {
    index += 1;
    page = await availablePage(services, orgId, steps[index], undefined, options.limit);
  }
  const last = page.items.at(-1);
  return { items: page.items, next: page.hasMore && last ? { step: index, after: last.e164 } : null };
}

/** One number, if the carrier offers it and the org may take it. */
export async function findAvailable(services: Deps, orgId: string, e164: string): Promise<AvailableNumber | null> {
  const number = await services.carrier.lookup(e164);
  if (!number) return null;
  const standing = services.numbers.standing([e164]).get(e164)!;
  return openTo(orgId, standing) ? offer(services.carrier.name, orgId, number, standing, []) : null;
}
