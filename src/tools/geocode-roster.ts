/** Geocoding a roster of locations for a find_nearest_location skill (saves nothing). */
import { z } from 'zod';
import { defineTool, idField } from './define.ts';
import { loadAgent } from './agents/present.ts';
import { geocoderFor, type GeoPoint, type Geocoder } from '../runtime/geo/geocoder.ts';

const MAX_LOCATIONS = 100;
// Street-level geocoding is one request per address: a few at a time, not a hundred at once.
const CONCURRENCY = 4;

const rosterEntry = {
  label: z.string().trim().min(1).max(120).describe('The location\'s name, e.g. "Pearl Street".'),
  address: z.string().trim().min(1).max(300).describe('Its address; with a ZIP code (or at least city and state) to be found.'),
};

/** Each address's point (null when not found), at most CONCURRENCY lookups at a time. */
async function geocodeAll(geocoder: Geocoder, addresses: string[], signal: AbortSignal): Promise<(GeoPoint | null)[]> {
  const points: (GeoPoint | null)[] = addresses.map(() => null);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < addresses.length; index = next++) points[index] = await geocoder.geocode(addresses[index], signal);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, addresses.length) }, worker));
  return points;
}

export const geocodeRoster = defineTool({
  name: 'geocode_roster',
  title: 'Geocode a location roster',
  description:
    'Turns a list of locations (label, address, phone) into map coordinates for a geo skill\'s find_nearest_location config, so the agent finds the closest one during a call without a lookup. Saves nothing: put the returned lat/lng into the skill\'s executionConfig.locations. Send at most 100 per call (batch longer lists); an address that cannot be found comes back with resolved: false to correct.',
  http: { method: 'POST', path: '/agents/{agentId}/geocode-roster' },
  scope: 'skills:write',
  toolset: 'skills',
  flags: { list: true, readOnly: true, idempotent: true },
  input: z.object({
    agentId: idField('The agent id (agt_…).'),
    locations: z
      .array(z.object({ ...rosterEntry, phone: z.string().trim().max(40).optional().describe('A phone number callers can use.') }))
      .min(1)
      .max(MAX_LOCATIONS, `at most ${MAX_LOCATIONS} locations per call: send longer lists in batches`)
      .describe(`The locations to geocode (1-${MAX_LOCATIONS}).`),
  }),
  output: z.object({
    items: z
      .array(
        z.object({
          ...rosterEntry,
          phone: z.string().nullable().describe('As sent; null when none.'),
          lat: z.number().nullable().describe('Latitude; null when not resolved.'),
          lng: z.number().nullable().describe('Longitude; null when not resolved.'),
          precision: z.enum(['address', 'zip', 'city']).nullable().describe('What the point stands for: the street address, the ZIP code\'s centroid or the city\'s; null when not resolved.'),
          resolved: z.boolean().describe('Whether the address was found; correct the ones that were not.'),
        }),
      )
      .describe('The locations in the order sent.'),
    resolvedCount: z.number().int().describe('How many were found.'),
    unresolvedCount: z.number().int().describe('How many were not.'),
  }),
  execute: async (input, context) => {
    loadAgent(context, input.agentId);
    const points = await geocodeAll(geocoderFor(context.services.config), input.locations.map((location) => location.address), context.signal);
    const items = input.locations.map((location, index) => {
      const point = points[index];
      return {
        label: location.label,
        address: location.address,
        phone: location.phone ?? null,
        lat: point?.lat ?? null,
        lng: point?.lng ?? null,
        precision: point?.precision ?? null,
        resolved: point !== null,
      };
    });
    const resolvedCount = items.filter((item) => item.resolved).length;
    return { items, resolvedCount, unresolvedCount: items.length - resolvedCount };
  },
});
