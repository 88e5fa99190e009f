/** Everything a tool or transport needs, built once per process from the configuration. */
import { randomBytes } from 'node:crypto';
import type { Config } from './config.ts';
import { openDatabase, type Db } from './store/db.ts';
import { CredentialStore } from './store/credentials.ts';
import { AgentStore } from './store/agents.ts';
import { AuditStore } from './store/audit.ts';
import { IdempotencyStore } from './store/idempotency.ts';
import { InstanceStore } from './store/instances.ts';
import { ConfirmationStore } from './store/confirmations.ts';
import { CursorCodec } from './store/page.ts';
import { VoiceCatalog } from './runtime/voices.ts';
import { FileStore } from './store/files.ts';
import { KnowledgeStore } from './store/knowledge.ts';
import { JobStore } from './store/jobs.ts';
import { EventStore } from './store/events.ts';
import { LocalEmbedder, OpenAiEmbedder, type Embedder } from './runtime/knowledge/embedder.ts';
import { VectorIndex } from './runtime/knowledge/vector-index.ts';
import { PublishableKeyStore } from './store/publishable-keys.ts';
import { WidgetStore } from './store/widgets.ts';
import { ConversationStore } from './store/conversations.ts';
import { UsageStore } from './store/usage.ts';
import { AnalyticsStore } from './store/analytics.ts';
import { SkillStore } from './store/skills.ts';
import { PlaybookStore } from './store/playbooks.ts';
import { GuardrailStore } from './store/guardrails.ts';
import { KnowledgeGapStore } from './store/knowledge-gaps.ts';
import { ProbeStore } from './store/probes.ts';
import { WebhookStore } from './store/webhooks.ts';
import { queueEventDeliveries } from './runtime/webhooks/deliver.ts';
import { thresholdCrossed } from './runtime/payments/auto-reload.ts';
import { WalletStore } from './store/wallet.ts';
import { SubscriptionStore } from './store/subscriptions.ts';
import { InvoiceStore } from './store/invoices.ts';
import { IntegrationStore } from './store/integrations.ts';
import { ShopifyInstallStore } from './store/shopify-installs.ts';
import { AssistStore } from './store/assist.ts';
import { integrationsKey } from './runtime/integrations/crypto.ts';
import { NumberStore } from './store/numbers.ts';
import { createCarrier, type Carrier } from './runtime/numbers/carrier.ts';
import { ConversationEngine } from './runtime/engine/conversations.ts';
import { createChatModel } from './runtime/models/chat-model.ts';

import { createLogger, type Logger } from './logging.ts';

export type { Logger } from './logging.ts';

export interface Services {
  config: Config;
  db: Db;
  now(): Date;
  logger: Logger;
  credentials: CredentialStore;
  agents: AgentStore;
  audit: AuditStore;
  idempotency: IdempotencyStore;
  /** This process, registered and beating, and which other processes on the database are alive. */
  instances: InstanceStore;
  confirmations: ConfirmationStore;
  cursors: CursorCodec;
  /** Signs the short-lived tokens the platform checks itself (visitor tokens, talk tokens). */
  tokenSecret: string;
  voices: VoiceCatalog;
  files: FileStore;
  knowledge: KnowledgeStore;
  jobs: JobStore;
  events: EventStore;
  embedder: Embedder;
  vectors: VectorIndex;
  publishableKeys: PublishableKeyStore;
  widgets: WidgetStore;
  conversations: ConversationStore;
  usage: UsageStore;
  /** Rollups of conversations and usage for the analytics tools. */
  analytics: AnalyticsStore;
  skills: SkillStore;
  /** Playbooks, and (as `playbooks.variables`) the annotations on interaction variables. */
  playbooks: PlaybookStore;
  guardrails: GuardrailStore;
  /** Knowledge gaps found in live conversations, with their curation status. */
  knowledgeGaps: KnowledgeGapStore;
  /** Probe scenarios saved on agents, and probe runs. */
  probes: ProbeStore;
  /** Webhook endpoints and deliveries; every recorded event fans out to them. */
  webhooks: WebhookStore;
  /** The prepaid wallet: ledger, balance, auto-reload and card payments. */
  wallet: WalletStore;
  /** The plan each org is on and its current period. */
  subscriptions: SubscriptionStore;
  /** Invoices of closed billing periods. */
  invoices: InvoiceStore;
  /** Integration connections (credentials sealed), discovered schemas and scoping. */
  integrations: IntegrationStore;
  /** Shopify App Store installs waiting to be claimed by an org. */
  shopifyInstalls: ShopifyInstallStore;
  /** Copilot threads and the actions paused on them. */
  assist: AssistStore;
  /** Phone numbers orgs own, and holds on numbers for sale. */
  numbers: NumberStore;
  /** The telephone carrier numbers are bought from (the sandbox by default). */
  carrier: Carrier;
  /** Runs conversations on the configured language model. */
  engine: ConversationEngine;
  /** Flush queued writes and close the database. */
  close(): void;
}

export function createServices(config: Config, options: { now?: () => Date; logger?: Logger } = {}): Services {
  const now = options.now ?? (() => new Date());
  const db = openDatabase(config.databaseFile);
  const credentials = new CredentialStore(db, now);
  const embedder = createEmbedder(config);
  // Vectors from another model are not comparable: refuse to start rather than mix them.
  const indexedWith = credentials.setting('embedder', () => embedder.id);
  if (indexedWith !== embedder.id) {
    db.close();
    throw new Error(`the knowledge index was built with ${indexedWith} but the configured embedder is ${embedder.id}; use the same embeddings settings or start from a new data directory`);
  }
  const knowledge = new KnowledgeStore(db, now, embedder.dimensions);
  const instances = new InstanceStore(db, now);
  instances.start();
  const services: Omit<Services, 'engine'> = {
    config,
    db,
    now,
    logger: options.logger ?? createLogger(config.logLevel),
    credentials,
    agents: new AgentStore(db, now),
    audit: new AuditStore(db, now),
    idempotency: new IdempotencyStore(db, now, instances),
    instances,
    confirmations: new ConfirmationStore(db, now),
    cursors: new CursorCodec(credentials.setting('cursor_secret', () => randomBytes(32).toString('base64url'))),
    tokenSecret: credentials.setting('token_secret', () => randomBytes(32).toString('base64url')),
    voices: new VoiceCatalog(),
    files: new FileStore(db, now),
    knowledge,
    vectors: new VectorIndex(knowledge),
    publishableKeys: new PublishableKeyStore(db, now, () => credentials.forget()),
    widgets: new WidgetStore(db, now),
    jobs: new JobStore(db, now),
    events: new EventStore(db, now),
    embedder,
    conversations: new ConversationStore(db, now),
    usage: new UsageStore(db, now),
    analytics: new AnalyticsStore(db),
    skills: new SkillStore(db, now),
    playbooks: new PlaybookStore(db, now),
    guardrails: new GuardrailStore(db, now),
    knowledgeGaps: new KnowledgeGapStore(db, now),
    probes: new ProbeStore(db, now),
    webhooks: new WebhookStore(db, now),
    wallet: new WalletStore(db, now),
    numbers: new NumberStore(db, now),
    carrier: createCarrier(config),
    subscriptions: new SubscriptionStore(db, now),
    invoices: new InvoiceStore(db, now),
    integrations: new IntegrationStore(db, now, integrationsKey(config)),
    shopifyInstalls: new ShopifyInstallStore(db, now, integrationsKey(config)),
    assist: new AssistStore(db, now),
    close() {
      if (!db.open) return;
      this.audit.flush();
      this.instances.retire();
      db.close();
    },
  };
  services.events.onRecord((orgId, event) => queueEventDeliveries(services, orgId, event));
  services.wallet.onThresholdCrossed((crossing) => thresholdCrossed(services, crossing));
  return Object.assign(services, { engine: new ConversationEngine(services, createChatModel(config.model)) });
}

function createEmbedder(config: Config): Embedder {
  const { embeddings } = config;
  if (embeddings.provider === 'openai') {
    return new OpenAiEmbedder({ baseUrl: embeddings.baseUrl, apiKey: embeddings.apiKey, model: embeddings.model, dimensions: embeddings.dimensions });
  }
  return new LocalEmbedder(embeddings.dimensions);
}
