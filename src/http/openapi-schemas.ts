/**
 * The shared resource shapes of the OpenAPI document, each once in `components.schemas` under a
 * stable PascalCase name and referenced with `$ref`. The names live in a registry of their own,
 * read only here: MCP descriptors (which must stay self-contained) convert with zod's global
 * registry and never see them.
 */
import { z } from 'zod';
import { jsonSchemaOf, type JsonSchema } from '../tools/json-schema.ts';
import { agentSchema, versionSchema } from '../tools/agents/present.ts';
import { runSchema } from '../tools/agents/probes.ts';
import { sourceSchema } from '../tools/knowledge/present.ts';
import { skillSchema } from '../tools/skills.ts';
import { messageSchema, receiptEventSchema, sessionSchema as chatSessionSchema, turnOutputSchema } from '../tools/chat/present.ts';
import { modelSchema } from '../tools/chat/models.ts';
import { voiceSchema } from '../tools/voices.ts';
import { keySchema as publishableKeySchema } from '../tools/publishable-keys.ts';
import { widgetConfigSchema } from '../tools/widget.ts';
import { deliverySchema, endpointSchema } from '../tools/webhooks.ts';
import { availableNumberSchema, ownedNumberSchema, reservationSchema } from '../tools/numbers/present.ts';
import { playbookSchema } from '../tools/playbooks.ts';
import { variableSchema } from '../tools/variables.ts';
import { policySchema, verificationSchema } from '../tools/guardrails.ts';
import { conversationRow } from '../tools/observe/conversations.ts';
import { gapSchema } from '../tools/observe/knowledge-gaps.ts';
import { bucketSchema } from '../tools/observe/analytics.ts';
import { entrySchema, paymentSchema, walletSchema } from '../tools/billing/wallet.ts';
import { planSchema, subscriptionSchema } from '../tools/billing/plans.ts';
import { keySchema as apiKeySchema } from '../tools/account/api-keys.ts';
import { sessionSchema as dashboardSessionSchema } from '../tools/account/sessions.ts';
import { outcomeSchema as assistReplySchema } from '../tools/assist.ts';

const COMPONENT_NAMES = new Map<z.ZodType, string>([
  [agentSchema, 'Agent'],
  [versionSchema, 'AgentVersion'],
  [runSchema, 'ProbeRun'],
  [sourceSchema, 'KnowledgeSource'],
  [skillSchema, 'Skill'],
  [chatSessionSchema, 'ChatSession'],
  [messageSchema, 'ChatMessage'],
  [receiptEventSchema, 'ReceiptEvent'],
  [turnOutputSchema, 'ChatTurn'],
  [modelSchema, 'Model'],
  [voiceSchema, 'Voice'],
  [publishableKeySchema, 'PublishableKey'],
  [widgetConfigSchema, 'WidgetConfig'],
  [endpointSchema, 'WebhookEndpoint'],
  [deliverySchema, 'WebhookDelivery'],
  [ownedNumberSchema, 'Number'],
  [availableNumberSchema, 'AvailableNumber'],
  [reservationSchema, 'NumberReservation'],
  [playbookSchema, 'Playbook'],
  [variableSchema, 'Variable'],
  [policySchema, 'GuardrailPolicy'],
  [verificationSchema, 'VerificationMethod'],
  [conversationRow, 'Conversation'],
  [gapSchema, 'KnowledgeGap'],
  [bucketSchema, 'AnalyticsBucket'],
  [walletSchema, 'Wallet'],
  [entrySchema, 'WalletTransaction'],
  [paymentSchema, 'Payment'],
  [planSchema, 'Plan'],
  [subscriptionSchema, 'Subscription'],
  [apiKeySchema, 'ApiKey'],
  [dashboardSessionSchema, 'DashboardSession'],
  [assistReplySchema, 'AssistReply'],
]);

/** Zod's global metadata (descriptions), plus an `id` for the named shapes: zod extracts those into `$defs`. */
class NamedShapes extends z.core.$ZodRegistry<z.core.GlobalMeta> {
  override get(schema: z.core.$ZodType): z.core.GlobalMeta | undefined {
    const meta = z.globalRegistry.get(schema);
    const id = COMPONENT_NAMES.get(schema as z.ZodType);
    return id ? { ...meta, id } : meta;
  }
}

const NAMED_SHAPES = new NamedShapes();
const COMPONENT_PREFIX = '#/components/schemas/';

/** Collects the named shapes met while converting a document's schemas. */
export class ComponentSchemas {
  readonly schemas: Record<string, JsonSchema> = {};

  /** A tool's output (`io: output`) with its named shapes as `$ref`s into `components.schemas`. */
  output(schema: z.ZodType): JsonSchema {
    const { $defs, ...root } = JSON.parse(
      JSON.stringify(jsonSchemaOf(schema, 'output', NAMED_SHAPES)).replaceAll('"#/$defs/', `"${COMPONENT_PREFIX}`),
    ) as JsonSchema & { $defs?: Record<string, JsonSchema> };
    for (const [name, definition] of Object.entries($defs ?? {})) {
      const known = this.schemas[name];
      if (known && JSON.stringify(known) !== JSON.stringify(definition)) throw new Error(`two different shapes are named ${name}`);
      this.schemas[name] = definition;
    }
    return root;
  }
}
