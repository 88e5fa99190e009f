/**
 * Turning an address into a point: the offline gazetteer by default, or the US Census Bureau's
 * geocoder (street-level) when FLOWYTE_GEOCODER_BASE_URL is set, with the gazetteer behind it for
 * what the Census cannot match (a ZIP code or a city alone).
 */
import type { Config } from '../../config.ts';
import { FlowyteError } from '../../errors.ts';
import { safeFetch } from '../net/safe-fetch.ts';
import type { LatLng } from './distance.ts';
import { lookupAddress } from './gazetteer.ts';

export interface GeoPoint extends LatLng {
  /** How exact the point is: a street address, a ZIP code's centroid, or a city's. */
  precision: 'address' | 'zip' | 'city';
  /** What was matched, e.g. "Boulder, CO 80304". */
  label: string;
}

export interface Geocoder {
  /** The point of an address, or null when it cannot be found; throws only when the service failed. */
  geocode(address: string, signal?: AbortSignal): Promise<GeoPoint | null>;
}

/** The gazetteer: free, offline, ZIP- or city-level. */
export const offlineGeocoder: Geocoder = {
  geocode: async (address) => lookupAddress(address),
};

export interface CensusGeocoderOptions {
  /** Where the Census geocoder is served, e.g. https://geocoding.geo.census.gov. */
  baseUrl: string;
  allowPrivateNetwork: boolean;
  timeoutMs?: number;
  maxBytes?: number;
}

/** The documented reply of /geocoder/locations/onelineaddress (x is the longitude, y the latitude). */
interface CensusReply {
  result?: { addressMatches?: { matchedAddress?: string; coordinates?: { x?: unknown; y?: unknown } }[] };
}

// A caller is waiting on the line: a slow geocoder gets a few seconds, not the crawler's budget.
const CENSUS_TIMEOUT_MS = 5000;
const CENSUS_MAX_BYTES = 256 * 1024;

/** The US Census Bureau's one-line address geocoder, through the guarded fetcher. */
export function censusGeocoder(options: CensusGeocoderOptions): Geocoder {
  return {
    async geocode(address, signal) {
      const url = new URL('geocoder/locations/onelineaddress', options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
      url.search = new URLSearchParams({ address, benchmark: 'Public_AR_Current', format: 'json' }).toString();
      const response = await safeFetch(url.href, {
        headers: { accept: 'application/json' },
        timeoutMs: options.timeoutMs ?? CENSUS_TIMEOUT_MS,
        maxBytes: options.maxBytes ?? CENSUS_MAX_BYTES,
        allowPrivateNetwork: options.allowPrivateNetwork,
        signal,
      });
      if (response.status !== 200) throw new FlowyteError('fetch_failed', `the geocoder answered ${response.status}`);
      let reply: CensusReply;
      try {
        reply = JSON.parse(response.body.toString('utf8')) as CensusReply;
      } catch (error) {
        throw new FlowyteError('fetch_failed', 'the geocoder did not answer JSON', { cause: error });
      }
      const match = reply.result?.addressMatches?.[0];
      const { x, y } = match?.coordinates ?? {};
      if (typeof x !== 'number' || typeof y !== 'number') return null;
      return { lat: y, lng: x, precision: 'address', label: match?.matchedAddress ?? address };
    },
  };
}

/** The first geocoder's point, else the second's. */
export function withFallback(primary: Geocoder, fallback: Geocoder): Geocoder {
  return {
    geocode: async (address, signal) => (await primary.geocode(address, signal)) ?? fallback.geocode(address, signal),
  };
}

/** The geocoder the configuration asks for. */
export function geocoderFor(config: Pick<Config, 'geocoderBaseUrl' | 'allowPrivateNetwork'>): Geocoder {
  if (!config.geocoderBaseUrl) return offlineGeocoder;
  return withFallback(censusGeocoder({ baseUrl: config.geocoderBaseUrl, allowPrivateNetwork: config.allowPrivateNetwork }), offlineGeocoder);
}
