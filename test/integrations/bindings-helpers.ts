/** Fixtures for the bindings tests: REST calls that return status and body, connecting local APIs, and simulated live conversations. */
import { body, type Platform } from '../helpers.ts';
import { parseSse, type SseFrame } from '../fixtures/sse.ts';
import { FIELD_SERVICE_TOKEN, type FieldServiceServer } from '../support/graphql-field-service.ts';
import { OPENAPI_KEY, type OpenApiServer } from '../support/openapi-server.ts';

export interface Answer {
  status: number;
  json: any;
}

export async function call(platform: Platform, method: string, path: string, payload?: unknown, token?: string): Promise<Answer> {
  const response = await platform.request(method, path, { body: payload, token });
  return { status: response.status, json: await body(response) };
}

/** The data of a call that must succeed. */
export async function ok(platform: Platform, method: string, path: string, payload?: unknown): Promise<any> {
  const answer = await call(platform, method, path, payload);
  if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.json)}`);
  return answer.json.data;
}

/** Connect the generic graphql provider to the field-service server and discover it. */
export async function connectGraphQL(platform: Platform, server: FieldServiceServer): Promise<void> {
  await ok(platform, 'POST', '/integrations/graphql/connect', { credentials: { endpoint: server.url, headers: { Authorization: `Bearer ${FIELD_SERVICE_TOKEN}` } } });
  await ok(platform, 'POST', '/integrations/graphql/discover');
}

/** Connect the openapi provider to the appointments server and discover it. */
export async function connectOpenApi(platform: Platform, server: OpenApiServer): Promise<void> {
  await ok(platform, 'POST', '/integrations/openapi/connect', { credentials: { specUrl: server.specUrl, headers: { 'X-Api-Key': OPENAPI_KEY } } });
  await ok(platform, 'POST', '/integrations/openapi/discover');
}

/** Run a scripted conversation against the agent's live version; the frames streamed. */
export async function simulateLive(platform: Platform, agentId: string, transcript: string[]): Promise<SseFrame[]> {
  const response = await platform.request('POST', `/agents/${agentId}/simulate`, { body: { transcript, draftMode: false } });
  if (!response.ok) throw new Error(`simulate: ${response.status} ${await response.text()}`);
  return parseSse(await response.text());
}

export const toolCalls = (frames: SseFrame[]) => frames.filter((frame) => frame.event === 'tool_call').map((frame) => frame.data);
export const replies = (frames: SseFrame[]) => frames.filter((frame) => frame.event === 'agent_message').map((frame) => frame.data.text as string);
