/**
 * Voice search by phrase and scaffolding use the configured model through the same model interface as the
 * copilot (a local server speaking the chat-completions protocol here), keeping only values the
 * catalog has, and falls back to the offline matcher when the model fails.
 */
import { describe, expect, it } from 'vitest';
import { body, createPlatform, createPlatformWithModel, type Platform } from '../helpers.ts';
import { parseSse } from '../fixtures/sse.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import type { ChatCompletionsServer, ChatScript } from '../support/chat-completions-server.ts';

const opened = closeAfterEach();
let server: ChatCompletionsServer | undefined;

async function withModel(script: ChatScript): Promise<Platform> {
  const made = await createPlatformWithModel(script, opened);
  server = made.server;
  return made.platform;
}

describe('voice search by phrase with a configured model', () => {
  it("takes the model's facets, drops values the catalog does not have, and ranks the voices by them", async () => {
    const chat = await withModel(() => ({ content: '{"gender": "female", "accent": "british", "tone": "soothing-ish", "mood": "happy"}' }));
    const { data, filters } = await body(await chat.request('POST', '/voices/search', { body: { query: 'a gentle lady from London', limit: 3 } }));
    expect(filters).toEqual({ gender: 'female', accent: 'british' });
    expect(data.length).toBeGreaterThan(0);
    for (const voice of data) expect(voice).toMatchObject({ gender: 'female', accent: 'british' });
    // The model was asked with the catalog's values.
    expect(JSON.stringify(server!.requests[0]!.body.messages)).toContain('british');
  });

  it('falls back to the offline matcher when the model fails', async () => {
    const chat = await withModel(() => ({ status: 500 }));
    const offline = opened(createPlatform());
    const query = { query: 'calm older british woman for support', limit: 5 };
    const viaModel = await body(await chat.request('POST', '/voices/search', { body: query }));
    const local = await body(await offline.request('POST', '/voices/search', { body: query }));
    expect(viaModel).toEqual(local);
    expect(local.filters).toMatchObject({ gender: 'female', accent: 'british' });
  });
});

describe('scaffolding with a configured model', () => {
  const description = 'We are Bright Smile Dental in Denver. Book cleanings, answer insurance questions, and put emergencies through to the on-call dentist.';

  it("takes the model's reading of the description, keeping only skills this release can make", async () => {
    const chat = await withModel(() => ({
      content: JSON.stringify({
        name: 'Bright Smile Dental',
        role: 'the front desk of Bright Smile Dental in Denver',
        goals: ['book cleanings', 'answer insurance questions'],
        tone: 'warm and brief',
        greeting: 'Bright Smile Dental, how can I help you today?',
        suggestedSkills: [
          { skillType: 'transfer', name: 'Put through to the on-call dentist', reason: 'Emergencies need a dentist.' },
          { skillType: 'teleport', name: 'Beam the patient in', reason: 'Not a thing.' },
        ],
      }),
    }));
    const response = await chat.request('POST', '/agents/scaffold', { body: { description } });
    const result = parseSse(await response.text()).at(-1)!.data;
    expect(result.agent).toMatchObject({
      name: 'Bright Smile Dental',
      greeting: 'Bright Smile Dental, how can I help you today?',
      persona: { role: 'the front desk of Bright Smile Dental in Denver', goals: ['book cleanings', 'answer insurance questions'], tone: 'warm and brief' },
    });
    expect(result.suggestedSkills.map((skill: any) => skill.skillType)).toEqual(['transfer']);
  });

  it('reads the description offline when the model fails', async () => {
    const chat = await withModel(() => ({ status: 500 }));
    const response = await chat.request('POST', '/agents/scaffold', { body: { description } });
    const result = parseSse(await response.text()).at(-1)!.data;
    expect(result.agent).toMatchObject({ name: 'Bright Smile Dental', greeting: 'Hi, thanks for contacting Bright Smile Dental. How can I help?' });
    expect(result.suggestedSkills.map((skill: any) => skill.skillType)).toEqual(['transfer', 'integration_action']);
  });
});
