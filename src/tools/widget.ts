/** The chat widget: its config per agent, the embed snippet, and the public bootstrap. */
import { z } from 'zod';
import { defineTool, idField } from './define.ts';
import { notFound } from '../errors.ts';
import { loadAgent } from './agents/present.ts';

const agentId = idField('The agent id (agt_…).');

const widgetConfigShape = {
  theme: z
    .object({
      accent: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb colour').default('#2563eb').describe('Accent colour, #rrggbb.'),
      position: z.enum(['bottom-right', 'bottom-left']).default('bottom-right').describe('Corner of the chat bubble.'),
      mode: z.enum(['light', 'dark', 'auto']).default('auto').describe('Colour scheme; auto follows the visitor\'s system.'),
      radius: z.number().int().min(0).max(24).default(12).describe('Corner radius in pixels.'),
    })
    .default({ accent: '#2563eb', position: 'bottom-right', mode: 'auto', radius: 12 })
    .describe('How the widget looks.'),
  copy: z
    .object({
      title: z.string().max(80).default('').describe('Header title; empty shows the agent name.'),
      greeting: z.string().max(500).default('').describe('First message shown; empty uses the agent greeting.'),
      placeholder: z.string().max(120).default('Type your message…').describe('Input placeholder.'),
      launcherLabel: z.string().max(60).default('Chat with us').describe('Accessible label of the bubble.'),
    })
    .default({ title: '', greeting: '', placeholder: 'Type your message…', launcherLabel: 'Chat with us' })
    .describe('What the widget says.'),
  behavior: z
    .object({
      openOnLoad: z.boolean().default(false).describe('Open the chat as soon as the page loads.'),
      showBranding: z.boolean().default(true).describe('Show "Powered by Flowyte".'),
      persistConversation: z.boolean().default(true).describe('Keep the conversation across page loads.'),
    })
    .default({ openOnLoad: false, showBranding: true, persistConversation: true })
    .describe('How the widget behaves.'),
};
export const widgetConfigSchema = z.object(widgetConfigShape);

function configOf(stored: unknown): z.output<typeof widgetConfigSchema> {
  return widgetConfigSchema.parse(stored ?? {});
}

export const getWidgetConfig = defineTool({
  name: 'get_widget_config',
  title: 'Get widget config',
  description: 'Returns the chat widget\'s look (theme), words (copy) and behaviour for the agent; defaults until replaced.',
  http: { method: 'GET', path: '/agents/{agentId}/widget' },
  scope: 'widgets:read',
  toolset: 'widget',
  flags: { readOnly: true, idempotent: true },
  input: z.object({ agentId }),
  output: widgetConfigSchema,
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    return configOf(context.services.widgets.get(context.org.id, agent.id));
  },
});

export const replaceWidgetConfig = defineTool({
  name: 'replace_widget_config',
  title: 'Replace widget config',
  description: 'Replaces the whole widget config (theme, copy, behavior); what is left out returns to its default. Live at once for every page using the widget.',
  http: { method: 'PUT', path: '/agents/{agentId}/widget' },
  scope: 'widgets:write',
  toolset: 'widget',
  flags: { destructive: true, idempotent: true },
  input: z.object({ agentId, ...widgetConfigShape }),
  output: widgetConfigSchema,
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    const { agentId: _agent, ...config } = input;
    context.services.widgets.put(context.org.id, agent.id, config);
    return configOf(config);
  },
});

export const getWidgetEmbed = defineTool({
  name: 'get_widget_embed',
  title: 'Get the widget embed snippet',
  description: 'Returns the script tag to paste into a page, carrying a publishable key of the agent (the one named, or the newest).',
  http: { method: 'GET', path: '/agents/{agentId}/widget/embed' },
  scope: 'widgets:read',
  toolset: 'widget',
  flags: { readOnly: true, idempotent: true },
  input: z.object({ agentId, publishableKeyId: idField('Which publishable key to embed; the newest when omitted.').optional() }),
  output: z.object({
    publishableKeyId: z.string().describe('The key embedded.'),
    publishableKey: z.string().describe('Its value (browser-safe).'),
    scriptSnippet: z.string().describe('Paste this just before </body>.'),
  }),
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    const keys = context.services.publishableKeys;
    const key = input.publishableKeyId ? keys.find(context.org.id, agent.id, input.publishableKeyId) : keys.newest(context.org.id, agent.id);
    if (!key) throw notFound('publishable key', input.publishableKeyId ?? `of agent ${agent.id} (create one first)`);
    const base = context.services.config.publicBaseUrl;
    return {
      publishableKeyId: key.id,
      publishableKey: key.keyPublic,
      scriptSnippet: `<script async src="${base}/widget.js" data-flowyte-key="${key.keyPublic}" data-flowyte-api="${base}/api/v1"></script>`,
    };
  },
});

export const getWidgetBootstrap = defineTool({
  name: 'get_widget_bootstrap',
  title: 'Get widget bootstrap config',
  description: 'The public widget config for the publishable key in use (theme, copy, behaviour and the agent\'s name). Holds no secrets; only answers from an allowed Origin.',
  http: { method: 'GET', path: '/widget/bootstrap' },
  auth: 'publishable',
  scope: 'chat:public',
  toolset: 'widget',
  flags: { readOnly: true, idempotent: true },
  input: z.object({}),
  output: z.object({
    agentId: z.string().describe('The agent the key is pinned to.'),
    agentName: z.string().describe('Its name.'),
    published: z.boolean().describe('Whether the agent has a live version to chat with.'),
    greeting: z.string().describe('The first message to show.'),
    requireIdentityVerification: z.boolean().describe('Whether a signed visitor token is needed to start a session.'),
    theme: widgetConfigShape.theme,
    copy: widgetConfigShape.copy,
    behavior: widgetConfigShape.behavior,
  }),
  execute: async (_input, context) => {
    const agent = loadAgent(context, context.actor.agentId ?? '');
    const config = configOf(context.services.widgets.get(context.org.id, agent.id));
    const key = context.services.publishableKeys.find(context.org.id, agent.id, context.actor.id);
    return {
      agentId: agent.id,
      agentName: agent.draft.name,
      published: agent.publishedVersionId !== null,
      greeting: config.copy.greeting || agent.draft.greeting,
      requireIdentityVerification: key?.requireIdentityVerification ?? false,
      ...config,
    };
  },
});
