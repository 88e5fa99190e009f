/**
 * Google Calendar end to end against the local Google server: provisioned actions on a published
 * agent check open times and book an appointment in live conversations, in the calendar's own time
 * zone; the access token is refreshed when it expires (on the platform's clock) or when Google
 * stops accepting it; a revoked connection answers politely.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { createChatPlatform, type ChatPlatform } from '../chat-helpers.ts';
import { startGoogleServer, type GoogleServer } from '../support/google-server.ts';
import { call, connectGoogle, providerConfig, replies, talkLive, toolCalls } from './curated-helpers.ts';

const opened = closeAfterEach();
// Monday 2 June 2025, 9:00 in New York (the calendar's time zone).
const START = Date.parse('2025-06-02T13:00:00Z');
let clock: number;
let google: GoogleServer;
let platform: ChatPlatform;

beforeEach(async () => {
  clock = START;
  google = opened(await startGoogleServer());
  // Wednesday 4 June, 14:00–15:00 New York time is taken.
  google.events.push({ id: 'busy1', calendarId: 'primary', summary: 'Team meeting', description: '', start: { dateTime: '2025-06-04T18:00:00Z' }, end: { dateTime: '2025-06-04T19:00:00Z' } });
  platform = opened(await createChatPlatform(providerConfig({ google }), () => new Date(clock)));
  await connectGoogle(platform, 'google_calendar');
  const items = await call(platform, 'POST', `/agents/${platform.agentId}/integrations/google_calendar/provision`, {});
  expect(items.map((item: { skill: { name: string; enabled: boolean } }) => [item.skill.name, item.skill.enabled])).toEqual([['Check availability', true], ['Book an appointment', true]]);
  await platform.publish();
});

const tokenGrants = () => google.requests.filter((request) => request.path === '/token').map((request) => request.grantType);

describe('Google Calendar actions in a live conversation', () => {
  it('checks a busy time, offers the nearest openings, and books one on the calendar', async () => {
    const frames = await talkLive(platform, platform.agentId, [
      'Can you check availability on Wednesday at 2pm?',
      'Please book an appointment on Wednesday at 3pm, my name is Ana Silva and my phone is 720-555-0142',
    ]);
    const [check, book] = toolCalls(frames);
    expect(check).toMatchObject({ name: 'check_availability', ok: true, input: { date: '2025-06-04', time: '14:00' } });
    expect(check.output).toMatchObject({ available: false, timeZone: 'America/New_York' });
    expect(check.output.openSlots).toContain('15:00');
    expect(check.output.openSlots).not.toContain('14:30');
    expect(replies(frames)[1]).toBe('2:00 PM on Wednesday, June 4 is not available. The nearest openings are 1:30 PM and 3:00 PM.');

    expect(book).toMatchObject({ name: 'book_an_appointment', ok: true, input: { caller_name: 'Ana Silva', caller_phone: '+17205550142', date: '2025-06-04', time: '15:00' } });
    expect(replies(frames)[2]).toBe("You're booked for 3:00 PM on Wednesday, June 4.");
    const booked = google.events.at(-1)!;
    expect(booked).toMatchObject({ calendarId: 'primary', summary: 'Appointment: Ana Silva', start: { dateTime: '2025-06-04T19:00:00.000Z', timeZone: 'America/New_York' }, end: { dateTime: '2025-06-04T19:30:00.000Z' } });
    expect(booked.description).toContain('Phone: +17205550142');
  });

  it('does not book over a taken time', async () => {
    const frames = await talkLive(platform, platform.agentId, ['Please book an appointment on Wednesday at 2pm, my name is Ana Silva and my phone is 720-555-0142']);
    expect(toolCalls(frames)[0].output).toMatchObject({ booked: false });
    expect(replies(frames).at(-1)).toBe('2:00 PM on Wednesday, June 4 is not available. The nearest openings that day are 1:30 PM and 3:00 PM.');
    expect(google.events).toHaveLength(1);
  });

  it('uses the operator\'s settings: another calendar, time zone, hours and length', async () => {
    const [check] = (await call(platform, 'GET', `/agents/${platform.agentId}/skills`)).filter((skill: { name: string }) => skill.name === 'Check availability');
    await call(platform, 'PATCH', `/agents/${platform.agentId}/skills/${check.id}`, {
      executionConfig: { kind: 'google_calendar', action: 'check_availability', calendarId: 'bookings@acme.example', timeZone: 'Europe/London', openFrom: '10:00', openUntil: '12:00', durationMinutes: 60 },
    });
    await platform.publish();
    const frames = await talkLive(platform, platform.agentId, ['Can you check availability on Wednesday?']);
    expect(toolCalls(frames)[0].output).toMatchObject({ timeZone: 'Europe/London', openSlots: ['10:00', '11:00'] });
    expect(replies(frames).at(-1)).toBe('On Wednesday, June 4 there are openings at 10:00 AM and 11:00 AM.');
    // The time zone was set, so the calendar itself was not read.
    expect(google.requests.some((request) => request.path.startsWith('/calendar/v3/calendars/'))).toBe(false);
    expect(google.requests.filter((request) => request.path === '/calendar/v3/freeBusy')).toHaveLength(1);
  });
});

describe('Google Calendar settings', () => {
  it('are checked when the skill is saved, each problem naming its field', async () => {
    const [check] = await call(platform, 'GET', `/agents/${platform.agentId}/skills`);
    const response = await platform.request('PATCH', `/agents/${platform.agentId}/skills/${check.id}`, {
      body: { executionConfig: { kind: 'google_calendar', action: check.executionConfig.action, timeZone: 'Mars/Olympus_Mons', openFrom: '18:00', durationMinutes: 2 } },
    });
    expect(response.status).toBe(400);
    const problem = await response.json();
    expect(problem.errors.map((error: { field: string }) => error.field).sort()).toEqual(['executionConfig.durationMinutes', 'executionConfig.openUntil', 'executionConfig.timeZone']);
    const hours = await platform.request('PATCH', `/agents/${platform.agentId}/skills/${check.id}`, {
      body: { executionConfig: { kind: 'google_calendar', action: check.executionConfig.action, openFrom: '18:00' } },
    });
    expect((await hours.json()).errors).toEqual([{ field: 'executionConfig.openUntil', message: 'must be after openFrom' }]);
    const wrongAction = await platform.request('PATCH', `/agents/${platform.agentId}/skills/${check.id}`, { body: { executionConfig: { kind: 'google_calendar', action: 'lookup_order' } } });
    expect((await wrongAction.json()).errors).toEqual([{ field: 'executionConfig.action', message: 'is not an action of Google Calendar (GET /integrations/google_calendar/actions)' }]);
  });
});

describe('Google access tokens', () => {
  it('are refreshed once the platform clock passes their expiry, and the new one is kept', async () => {
    clock += 2 * 3600_000;
    const frames = await talkLive(platform, platform.agentId, ['Can you check availability on Wednesday?']);
    expect(toolCalls(frames)[0].ok).toBe(true);
    expect(tokenGrants()).toEqual(['authorization_code', 'refresh_token']);
    const stored = platform.services.integrations.credentials(platform.orgA.org.id, 'google_calendar') as { expires_at: string };
    expect(Date.parse(stored.expires_at)).toBeGreaterThan(clock);
    // The refreshed token serves the next call without another refresh.
    await talkLive(platform, platform.agentId, ['Can you check availability on Thursday?']);
    expect(tokenGrants()).toEqual(['authorization_code', 'refresh_token']);
  });

  it('are refreshed when Google stops accepting one before its expiry', async () => {
    google.expireAccessTokens();
    const frames = await talkLive(platform, platform.agentId, ['Can you check availability on Wednesday?']);
    expect(toolCalls(frames)[0].ok).toBe(true);
    expect(tokenGrants()).toEqual(['authorization_code', 'refresh_token']);
  });

  it('answer politely once the grant is revoked, naming the reason for the operator', async () => {
    google.expireAccessTokens();
    google.revokeRefreshTokens();
    const frames = await talkLive(platform, platform.agentId, ['Can you check availability on Wednesday?']);
    const [check] = toolCalls(frames);
    expect(check.ok).toBe(false);
    expect(check.output.error).toContain('Google no longer accepts this connection (invalid_grant)');
    expect(replies(frames).at(-1)).toBe("I couldn't reach our system just now. I can take a message so someone gets back to you.");
  });
});
