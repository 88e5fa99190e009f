import { afterEach, describe, expect, it } from 'vitest';
import { body } from '../helpers.ts';
import { createChatPlatform, type ChatPlatform } from '../chat-helpers.ts';
import { startWebhookServer, type ReceivedRequest, type WebhookServer } from '../support/webhook-server.ts';
import { lookupAddress } from '../../src/runtime/geo/gazetteer.ts';
import { distanceMiles } from '../../src/runtime/geo/distance.ts';
import { censusGeocoder, geocoderFor, offlineGeocoder } from '../../src/runtime/geo/geocoder.ts';

let platform: ChatPlatform | undefined;
let census: WebhookServer | undefined;
afterEach(async () => {
  platform?.background.stop();
  platform?.close();
  platform = undefined;
  await census?.close();
  census = undefined;
});

/** The Census geocoder's documented reply for one match (x is the longitude, y the latitude). */
function censusMatch(matchedAddress: string, x: number, y: number) {
  return {
    result: {
      input: { address: { address: matchedAddress }, benchmark: { isDefault: true, benchmarkDescription: 'Public Address Ranges - Current Benchmark', id: '4', benchmarkName: 'Public_AR_Current' } },
      addressMatches: [
        {
          tigerLine: { side: 'L', tigerLineId: '189000001' },
          coordinates: { x, y },
          addressComponents: { zip: '80302', streetName: 'PEARL', preType: '', city: 'BOULDER', preDirection: '', suffixDirection: '', fromAddress: '200', state: 'CO', suffixType: 'ST', toAddress: '298', suffixQualifier: '', preQualifier: '' },
          matchedAddress,
        },
      ],
    },
  };
}
const CENSUS_NO_MATCH = { result: { input: { address: { address: 'nowhere' } }, addressMatches: [] } };
const PEARL_ST = censusMatch('200 PEARL ST, BOULDER, CO, 80302', -105.2786, 40.0165);

/** A Census geocoder on a loopback port: street addresses on Pearl St match, nothing else does. */
async function startCensus(): Promise<WebhookServer> {
  const server = await startWebhookServer();
  server.answer((request: ReceivedRequest) => {
    const address = new URL(request.path, 'http://census').searchParams.get('address') ?? '';
    return { json: /pearl st/i.test(address) ? PEARL_ST : CENSUS_NO_MATCH };
  });
  return server;
}

describe('the offline gazetteer', () => {
  it('resolves an address by its ZIP code', () => {
    expect(lookupAddress('1001 Pearl St, Boulder, CO 80304')).toEqual({ lat: 40.0375, lng: -105.2771, precision: 'zip', label: 'Boulder, CO 80304' });
    expect(lookupAddress('10001')).toEqual({ lat: 40.7484, lng: -73.9967, precision: 'zip', label: 'New York, NY 10001' });
  });

  it('resolves "City, ST" and "City, State" to the city, and does not take a house number for a ZIP', () => {
    const boulder = { lat: 40.02, lng: -105.2618, precision: 'city', label: 'Boulder, CO' };
    expect(lookupAddress('Boulder, CO')).toEqual(boulder);
    expect(lookupAddress('120 Main St, Boulder, Colorado')).toEqual(boulder);
    expect(lookupAddress('12345 Main St, Boulder, CO')).toEqual(boulder);
    expect(lookupAddress('St. Louis, MO')).toMatchObject({ precision: 'city', label: 'Saint Louis, MO' });
  });

  it('returns null for what it cannot place', () => {
    expect(lookupAddress('200 Pearl St')).toBeNull();
    expect(lookupAddress('00000')).toBeNull();
    expect(lookupAddress('Nowhereville, ZZ')).toBeNull();
  });
});

describe('distanceMiles', () => {
  it('measures great-circle miles', () => {
    expect(distanceMiles({ lat: 40.0172, lng: -105.2851 }, { lat: 40.0375, lng: -105.2771 })).toBeCloseTo(1.465, 3);
    // JFK to LAX, a textbook check of the haversine formula.
    expect(distanceMiles({ lat: 40.6413, lng: -73.7781 }, { lat: 33.9416, lng: -118.4085 })).toBeCloseTo(2469.6, 0);
    expect(distanceMiles({ lat: 40, lng: -105 }, { lat: 40, lng: -105 })).toBe(0);
  });
});

describe('the Census geocoder adapter', () => {
  it('asks the one-line address endpoint and reads the first match (x is the longitude)', async () => {
    census = await startCensus();
    const geocoder = censusGeocoder({ baseUrl: census.url, allowPrivateNetwork: true });
    expect(await geocoder.geocode('200 Pearl St, Boulder, CO')).toEqual({ lat: 40.0165, lng: -105.2786, precision: 'address', label: '200 PEARL ST, BOULDER, CO, 80302' });
    const url = new URL(census.received[0].path, census.url);
    expect(url.pathname).toBe('/geocoder/locations/onelineaddress');
    expect(Object.fromEntries(url.searchParams)).toEqual({ address: '200 Pearl St, Boulder, CO', benchmark: 'Public_AR_Current', format: 'json' });
  });

  it('returns null when nothing matches, and fails with fetch_failed when the service does', async () => {
    census = await startCensus();
    expect(await censusGeocoder({ baseUrl: census.url, allowPrivateNetwork: true }).geocode('1 Nowhere Rd')).toBeNull();
    census.answer({ status: 503, text: 'down' });
    await expect(censusGeocoder({ baseUrl: census.url, allowPrivateNetwork: true }).geocode('200 Pearl St')).rejects.toMatchObject({ code: 'fetch_failed' });
  });

  it('goes through the guarded fetcher: a loopback service is refused without the development switch', async () => {
    census = await startCensus();
    await expect(censusGeocoder({ baseUrl: census.url, allowPrivateNetwork: false }).geocode('200 Pearl St')).rejects.toMatchObject({ code: 'url_not_allowed' });
    expect(census.received).toHaveLength(0);
  });

  it('is chosen by configuration, with the gazetteer behind it for what it cannot match', async () => {
    census = await startCensus();
    expect(geocoderFor({ geocoderBaseUrl: undefined, allowPrivateNetwork: false })).toBe(offlineGeocoder);
    const configured = geocoderFor({ geocoderBaseUrl: census.url, allowPrivateNetwork: true });
    expect(await configured.geocode('80304')).toMatchObject({ precision: 'zip', label: 'Boulder, CO 80304' });
    expect(census.received).toHaveLength(1);
  });
});

describe('POST /agents/{agentId}/geocode-roster', () => {
  it('returns coordinates for each location, flags the unresolvable ones, and saves nothing', async () => {
    platform = await createChatPlatform();
    const response = await platform.request('POST', `/agents/${platform.agentId}/geocode-roster`, {
      body: {
        locations: [
          { label: 'Pearl Street', address: '1001 Pearl St, Boulder, CO 80302', phone: '303-555-0100' },
          { label: 'Downtown', address: 'Denver, CO' },
          { label: 'Typo', address: '12 Elm Street' },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(await body(response)).toEqual({
      success: true,
      data: [
        { label: 'Pearl Street', address: '1001 Pearl St, Boulder, CO 80302', phone: '303-555-0100', lat: 40.0172, lng: -105.2851, precision: 'zip', resolved: true },
        { label: 'Downtown', address: 'Denver, CO', phone: null, lat: 39.7392, lng: -104.9847, precision: 'city', resolved: true },
        { label: 'Typo', address: '12 Elm Street', phone: null, lat: null, lng: null, precision: null, resolved: false },
      ],
      resolvedCount: 2,
      unresolvedCount: 1,
    });
    expect(platform.services.skills.all(platform.orgA.org.id, platform.agentId)).toEqual([]);
  });

  it('refuses more than 100 locations in one call with a 400 naming locations', async () => {
    platform = await createChatPlatform();
    const locations = Array.from({ length: 101 }, (_, index) => ({ label: `Store ${index}`, address: '80302' }));
    const response = await platform.request('POST', `/agents/${platform.agentId}/geocode-roster`, { body: { locations } });
    expect(response.status).toBe(400);
    const problem = await body(response);
    expect(problem.errors).toEqual([{ field: 'locations', message: 'at most 100 locations per call: send longer lists in batches' }]);
  });
});

const deliveryCheck = {
  name: 'Check if we deliver',
  description: "Check whether the caller's address is within our delivery area before taking a delivery order.",
  skillType: 'geo',
  executionConfig: { action: 'check_service_area', originAddress: '1035 Pearl St, Boulder, CO 80302', radiusMiles: 5 },
};

async function createSkill(chat: ChatPlatform, agentId: string, skill: Record<string, unknown>) {
  return chat.request('POST', `/agents/${agentId}/skills`, { body: skill });
}

describe('creating geo skills', () => {
  it('geocodes the origin at save time and collects the caller\'s address by default', async () => {
    platform = await createChatPlatform();
    const response = await createSkill(platform, platform.agentId, deliveryCheck);
    expect(response.status).toBe(201);
    const skill = (await body(response)).data;
    expect(skill.executionConfig).toEqual({ action: 'check_service_area', originAddress: '1035 Pearl St, Boulder, CO 80302', radiusMiles: 5, originLat: 40.0172, originLng: -105.2851 });
    expect(skill.parametersSchema).toEqual({ type: 'object', properties: { address: { type: 'string', description: "The caller's address or ZIP code" } }, required: ['address'] });
  });

  it.each([
    [{ action: 'check_service_area', originAddress: '200 Pearl St', radiusMiles: 5 }, 'executionConfig.originAddress'],
    [{ action: 'check_service_area', originAddress: '80302' }, 'executionConfig.radiusMiles'],
    [{ action: 'find_nearest_location' }, 'executionConfig.locations'],
    [{ action: 'find_nearest_location', locations: [{ label: 'A', address: '80302' }, { label: 'B', address: 'somewhere' }] }, 'executionConfig.locations.1.address'],
    [{ action: 'find_nearest_location', locations: [{ label: 'A', address: 'x', lat: 40 }] }, 'executionConfig.locations.0'],
  ])('refuses %j with a 400 naming %s', async (executionConfig, field) => {
    platform = await createChatPlatform();
    const response = await createSkill(platform, platform.agentId, { ...deliveryCheck, executionConfig });
    expect(response.status).toBe(400);
    expect((await body(response)).errors.map((error: any) => error.field)).toEqual([field]);
  });

  it('keeps given coordinates and geocodes the locations without them', async () => {
    platform = await createChatPlatform();
    const response = await createSkill(platform, platform.agentId, {
      ...deliveryCheck,
      executionConfig: { action: 'find_nearest_location', locations: [{ label: 'Pearl Street', address: '1001 Pearl St', lat: 40.018, lng: -105.279 }, { label: 'Denver', address: 'Denver, CO 80202' }] },
    });
    expect((await body(response)).data.executionConfig).toEqual({
      action: 'find_nearest_location',
      locations: [{ label: 'Pearl Street', address: '1001 Pearl St', lat: 40.018, lng: -105.279 }, { label: 'Denver', address: 'Denver, CO 80202', lat: 39.7491, lng: -104.9946 }],
      maxResults: 1,
    });
  });
});

describe('geo skills in a conversation', () => {
  /** A restaurant agent (no knowledge) with a skill, and a draft session with it. */
  async function restaurant(chat: ChatPlatform, skill: Record<string, unknown>) {
    const agent = (await body(await chat.request('POST', '/agents', { body: { name: "Tony's Pizza", greeting: "Tony's Pizza, what can I get you?" } }))).data;
    const created = await createSkill(chat, agent.id, skill);
    if (created.status !== 201) throw new Error(`adding the skill failed: ${JSON.stringify(await body(created))}`);
    const session = (await body(await chat.request('POST', '/chat/sessions', { body: { agentId: agent.id, draftMode: true } }))).data;
    return async (content: string) => (await body(await chat.request('POST', `/chat/sessions/${session.id}/messages`, { body: { content } }))).data;
  }
  const toolCall = (turn: any) => turn.events.find((event: any) => event.type === 'tool_call')?.data;
  const byZip = {
    ...deliveryCheck,
    executionConfig: { action: 'check_service_area', originAddress: '80302', radiusMiles: 5 },
    parametersSchema: { type: 'object', properties: { address: { type: 'string', description: "The caller's street address" }, zip: { type: 'string', description: "The caller's ZIP code" } } },
  };

  it('answers a ZIP inside the radius as in the area, and a far one as outside with pickup offered', async () => {
    platform = await createChatPlatform();
    const say = await restaurant(platform, byZip);

    const near = await say('Do you deliver to 80304?');
    expect(toolCall(near)).toMatchObject({ name: 'check_if_we_deliver', ok: true, input: { zip: '80304' } });
    expect(toolCall(near).output).toEqual({ inArea: true, distanceMiles: 1.5, radiusMiles: 5, message: 'Yes, 80304 is within our 5-mile delivery area.' });
    expect(near.messages.at(-1).content).toBe('Yes, 80304 is within our 5-mile delivery area.');

    const far = await say('Do you deliver to 10001?');
    expect(toolCall(far)).toMatchObject({ name: 'check_if_we_deliver', ok: true, input: { zip: '10001' } });
    expect(toolCall(far).output).toEqual({
      inArea: false,
      distanceMiles: 1638.8,
      radiusMiles: 5,
      message: "Sorry, that's outside our 5-mile delivery area (about 1638.8 miles away), but we can offer pickup.",
    });
  });

  it('asks for the address with the default parameters, and for a ZIP code when it cannot place it', async () => {
    platform = await createChatPlatform();
    const say = await restaurant(platform, deliveryCheck);
    const asked = await say('Can you check if you deliver to my place?');
    expect(toolCall(asked)).toBeUndefined();
    expect(asked.messages.at(-1).content).toMatch(/address\?$/);

    const unknown = await say('12 Elm Street');
    expect(toolCall(unknown)).toMatchObject({ ok: false, input: { address: '12 Elm Street' }, output: { message: "I couldn't find that address. Could you tell me your ZIP code?" } });
  });

  it('looks a street address up with the configured Census geocoder', async () => {
    census = await startCensus();
    platform = await createChatPlatform({ geocoderBaseUrl: census.url, allowPrivateNetwork: true });
    const say = await restaurant(platform, deliveryCheck);
    const turn = await say('Do you deliver to 200 Pearl St?');
    expect(toolCall(turn)).toMatchObject({ ok: true, input: { address: '200 Pearl St' } });
    expect(toolCall(turn).output).toEqual({ inArea: true, distanceMiles: 0.3, radiusMiles: 5, message: 'Yes, 200 Pearl St is within our 5-mile delivery area.' });
    expect(census.received).toHaveLength(1);
  });

  it('finds the nearest of the business\'s locations', async () => {
    platform = await createChatPlatform();
    const say = await restaurant(platform, {
      name: 'Find nearest store',
      description: 'Find the store nearest to the caller.',
      skillType: 'geo',
      executionConfig: {
        action: 'find_nearest_location',
        maxResults: 2,
        locations: [
          { label: 'Denver', address: 'Denver, CO 80202', phone: '+13035550101' },
          { label: 'Pearl Street', address: '1001 Pearl St, Boulder, CO 80302', phone: '+13035550100' },
          { label: 'Manhattan', address: 'New York, NY 10001' },
        ],
      },
      parametersSchema: { type: 'object', properties: { zip: { type: 'string', description: "The caller's ZIP code" } }, required: ['zip'] },
    });
    const turn = await say('Which store is nearest to 80304?');
    expect(toolCall(turn)).toMatchObject({ name: 'find_nearest_store', ok: true, input: { zip: '80304' } });
    expect(toolCall(turn).output).toEqual({
      nearest: [
        { label: 'Pearl Street', address: '1001 Pearl St, Boulder, CO 80302', phone: '+13035550100', distanceMiles: 1.5 },
        { label: 'Denver', address: 'Denver, CO 80202', phone: '+13035550101', distanceMiles: 24.9 },
      ],
      message: 'The nearest location is Pearl Street at 1001 Pearl St, Boulder, CO 80302, about 1.5 miles away. Their number is +13035550100. Also nearby: Denver (24.9 miles).',
    });
  });
});
