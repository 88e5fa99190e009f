/**
 * geo: is the caller's address within a radius of the business (check_service_area), or which of
 * its locations is closest (find_nearest_location). The business's own points are geocoded once,
 * at save time, offline; only the caller's address is looked up during the call.
 */
import { z } from 'zod';
import { FlowyteError } from '../../../errors.ts';
import { distanceMiles, roundMiles, type LatLng } from '../../geo/distance.ts';
import { offlineGeocoder, type GeoPoint } from '../../geo/geocoder.ts';
import { lookupAddress } from '../../geo/gazetteer.ts';
import { UNAVAILABLE, invalidField, type SkillKind, type SkillOutcome } from '../kind.ts';

const ASK_FOR_ZIP = "I couldn't find that address. Could you tell me your ZIP code?";
const FINDABLE = 'could not be found: give a ZIP code, or a city and state (e.g. "120 Main St, Boulder, CO 80302")';

const address = z.string().trim().min(1).max(300);

/** One of the business's locations; lat/lng (from POST /agents/{agentId}/geocode-roster, say) skip the lookup. */
const locationSchema = z.object({
  label: z.string().trim().min(1).max(120),
  address,
  phone: z.string().trim().max(40).optional(),
  lat: z.number().min(-90).max(90).optional(),
  lng: z.number().min(-180).max(180).optional(),
});

// One object with a check per action (rather than a union) keeps `config` a ZodObject.
const geoConfig = z
  .object({
    action: z.enum(['check_service_area', 'find_nearest_location']),
    originAddress: address.optional(),
    radiusMiles: z.number().positive().max(500).optional(),
    locations: z.array(locationSchema).min(1).max(500).optional(),
    maxResults: z.number().int().min(1).max(10).default(1),
  })
  .superRefine((config, context) => {
    const needed = config.action === 'check_service_area' ? (['originAddress', 'radiusMiles'] as const) : (['locations'] as const);
    for (const field of needed) {
      if (config[field] === undefined) context.addIssue({ code: 'custom', path: [field], message: `is required for ${config.action}` });
    }
    config.locations?.forEach((location, index) => {
      if ((location.lat === undefined) !== (location.lng === undefined)) {
        context.addIssue({ code: 'custom', path: ['locations', index], message: 'needs both lat and lng, or neither' });
      }
    });
  });

type GeoConfig = z.output<typeof geoConfig>;
type Location = z.output<typeof locationSchema>;
type PlacedLocation = Omit<Location, 'lat' | 'lng'> & LatLng;

interface ServiceArea { action: 'check_service_area'; originAddress: string; radiusMiles: number; originLat: number; originLng: number }
interface NearestLocation { action: 'find_nearest_location'; locations: PlacedLocation[]; maxResults: number }
type GeoSettings = ServiceArea | NearestLocation;

function place(text: string, field: string): GeoPoint {
  const point = lookupAddress(text);
  if (!point) throw invalidField(field, FINDABLE);
  return point;
}

/** Stored form: only the action's fields, with every point resolved. */
function normalizeGeo(config: GeoConfig): GeoSettings {
  if (config.action === 'check_service_area') {
    const origin = place(config.originAddress ?? '', 'executionConfig.originAddress');
    return { action: config.action, originAddress: config.originAddress ?? '', radiusMiles: config.radiusMiles ?? 0, originLat: origin.lat, originLng: origin.lng };
  }
  const locations = (config.locations ?? []).map((location, index): PlacedLocation => {
    if (location.lat !== undefined && location.lng !== undefined) return { ...location, lat: location.lat, lng: location.lng };
    const { lat, lng } = place(location.address, `executionConfig.locations.${index}.address`);
    return { ...location, lat, lng };
  });
  return { action: config.action, locations, maxResults: config.maxResults };
}

/** "5", "2.5": how a number of miles is said. */
const miles = (value: number) => String(roundMiles(value));

function checkServiceArea(settings: ServiceArea, spoken: string, caller: GeoPoint): SkillOutcome {
  const distance = distanceMiles({ lat: settings.originLat, lng: settings.originLng }, caller);
  const inArea = distance <= settings.radiusMiles;
  const area = `our ${miles(settings.radiusMiles)}-mile delivery area`;
  const message = inArea
    ? `Yes, ${spoken} is within ${area}.`
    : `Sorry, that's outside ${area} (about ${miles(distance)} miles away), but we can offer pickup.`;
  return { ok: true, output: { inArea, distanceMiles: roundMiles(distance), radiusMiles: settings.radiusMiles, message } };
}

function findNearest(settings: NearestLocation, caller: GeoPoint): SkillOutcome {
  const nearest = settings.locations
    .map((location) => ({ location, distance: distanceMiles(location, caller) }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, settings.maxResults)
    .map(({ location, distance }) => ({ label: location.label, address: location.address, phone: location.phone ?? null, distanceMiles: roundMiles(distance) }));
  const [first, ...others] = nearest;
  const message = [
    `The nearest location is ${first.label} at ${first.address}, about ${miles(first.distanceMiles)} miles away.`,
    first.phone ? `Their number is ${first.phone}.` : '',
    others.length ? `Also nearby: ${others.map((other) => `${other.label} (${miles(other.distanceMiles)} miles)`).join(', ')}.` : '',
  ].filter(Boolean).join(' ');
  return { ok: true, output: { nearest, message } };
}

export const geo: SkillKind = {
  skillType: 'geo',
  config: geoConfig,
  normalize: (config) => ({ ...normalizeGeo(config as GeoConfig) }),
  defaultParameters: {
    type: 'object',
    properties: { address: { type: 'string', description: "The caller's address or ZIP code" } },
    required: ['address'],
  },
  async execute({ skill, input, signal }, environment) {
    const settings = skill.executionConfig as unknown as GeoSettings;
    // A ZIP collected on its own (a `zip` parameter) narrows the address down.
    const spoken = [...new Set([input.address, input.zip].filter((value) => typeof value === 'string' && value.trim()))].join(', ');
    if (!spoken) return { ok: false, output: { error: 'no address given', message: ASK_FOR_ZIP } };
    let caller: GeoPoint | null;
    try {
      caller = await (environment.geocoder ?? offlineGeocoder).geocode(spoken, signal);
    } catch (error) {
      const reason = error instanceof FlowyteError ? error.message : 'the geocoder failed';
      return { ok: false, output: { error: reason, message: UNAVAILABLE } };
    }
    if (!caller) return { ok: false, output: { error: `could not find "${spoken}"`, message: ASK_FOR_ZIP } };
    return settings.action === 'check_service_area' ? checkServiceArea(settings, spoken, caller) : findNearest(settings, caller);
  },
};
