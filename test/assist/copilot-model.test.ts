/**
 * The copilot with a configured model (a local server speaking the chat-completions protocol):
 * the model plans several steps over the offered tools, finds more when it needs them, uses what
 * earlier calls returned; the destructive step is paused, and the reply streams as tokens.
 */
import { describe, expect, it } from 'vitest';
import { body, createPlatformWithModel } from '../helpers.ts';
import { parseSse } from '../fixtures/sse.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';

const opened = closeAfterEach();

describe('POST /assist with a configured model', () => {
  it('creates an agent, adds knowledge to it with the id it got back, and pauses the publish', async () => {
    const { platform } = await createPlatformWithModel((request) => {
      const toolResults = request.body.messages.filter((message) => message.role === 'tool').map((message) => JSON.parse(String(message.content)));
      const offered = (request.body.tools ?? []).map((tool) => (tool as { function: { name: string } }).function.name);
      if (toolResults.length === 0) return { toolCalls: [{ name: 'create_agent', arguments: { name: 'Bright Smile Dental', greeting: 'Bright Smile, how can I help?' } }] };
      const agentId = toolResults[0].id as string;
      if (toolResults.length === 1) {
        expect(offered).toContain('add_knowledge_source');
        return { toolCalls: [{ name: 'add_knowledge_source', arguments: { agentId, kind: 'text', label: 'Hours', text: 'Open Monday to Friday, 8am to 5pm.' } }] };
      }
      // A key for the website widget (its own idea) is not among the tools offered for the request: the model looks for it.
      if (toolResults.length === 2) {
        expect(offered).not.toContain('create_publishable_key');
        return { toolCalls: [{ name: 'find_tools', arguments: { query: 'mint a publishable key for the website chat widget' } }] };
      }
      if (toolResults.length === 3) {
        expect(offered).toContain('create_publishable_key');
        return { toolCalls: [{ name: 'create_publishable_key', arguments: { agentId, name: 'Website', allowedOrigins: ['https://brightsmile.example.com'] } }] };
      }
      if (toolResults.length === 4) return { toolCalls: [{ name: 'publish_agent', arguments: { id: agentId, note: 'first' } }] };
      return { content: 'I created Bright Smile Dental and gave it your hours. Publishing waits for your confirmation.' };
    }, opened);
    const response = await platform.request('POST', '/assist', {
      body: { message: 'Set up an agent for Bright Smile Dental, add knowledge that we are open Monday to Friday 8am to 5pm, and publish it', stream: true },
    });
    const frames = parseSse(await response.text());
    const result = frames.at(-1)!.data;
    expect(frames.at(-1)!.event, JSON.stringify(frames.at(-1)!.data)).toBe('done');
    expect(frames.some((frame) => frame.event === 'token')).toBe(true);
    expect(result.toolCalls.map((call: any) => [call.tool, call.status])).toEqual([
      ['create_agent', 'ok'],
      ['add_knowledge_source', 'ok'],
      ['create_publishable_key', 'ok'],
      ['publish_agent', 'pending'],
    ]);
    expect(result.changes.map((change: any) => change.tool)).toEqual(['create_agent', 'add_knowledge_source', 'create_publishable_key']);
    expect(result.reply).toBe('I created Bright Smile Dental and gave it your hours. Publishing waits for your confirmation.');
    const agentId = result.changes[0].id;
    expect((await body(await platform.request('GET', `/agents/${agentId}`))).data.publishedVersionId).toBeNull();
    await platform.request('POST', '/assist', { body: { threadId: result.threadId, confirm: [result.pendingActions[0].id] } });
    expect((await body(await platform.request('GET', `/agents/${agentId}`))).data.publishedVersionId).toMatch(/^agv_/);
  });
});
