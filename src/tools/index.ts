/** The one list of every tool. Every face (REST, MCP, OpenAPI, copilot) is derived from it. */
import type { Tool } from './types.ts';
import { createAgent, deleteAgent, getAgent, listAgents, setAgentVoice, updateAgent } from './agents/crud.ts';
import { diffAgentVersion, getPrepublishReport, listAgentVersions, publishAgent, rollbackAgent } from './agents/versions.ts';
import { getVoiceFacets, listVoices, searchVoices } from './voices.ts';
import { getAccount, getLanguageMatrix } from './meta.ts';
import { listAuditLogs } from './audit-logs.ts';
import {
  addKnowledgeSource, deleteKnowledgeSource, getKnowledgeSource, listKnowledgeSources, refreshKnowledgeSource, updateKnowledgeSource,
} from './knowledge/sources.ts';
import { previewKnowledge } from './knowledge/preview.ts';
import { streamKnowledgeSource } from './knowledge/stream.ts';
import { uploadFile } from './uploads.ts';
import {
  createPublishableKey, listPublishableKeys, revokePublishableKey, rotatePublishableKey, updatePublishableKey,
} from './publishable-keys.ts';
import { getWidgetBootstrap, getWidgetConfig, getWidgetEmbed, replaceWidgetConfig } from './widget.ts';
import { createChatSession, endChatSession, getChatSession, listChatMessages, sendChatMessage } from './chat/sessions.ts';
import { createChatCompletion } from './chat/completions.ts';
import { listModels, retrieveModel } from './chat/models.ts';
import { createVisitorToken, createWidgetSession, listWidgetMessages, sendWidgetMessage } from './chat/widget-sessions.ts';
import { createTalkToken, simulateAgent } from './agents/testing.ts';
import { getProbeRun, startProbeRun, streamProbeRun } from './agents/probes.ts';
import { createSkill, deleteSkill, getSkill, listSkillTypes, listSkills, updateSkill } from './skills.ts';
import {
  createPlaybook, deletePlaybook, getPlaybook, getPlaybookGraph, listPlaybooks, replacePlaybookGraph, updatePlaybook,
} from './playbooks.ts';
import { annotateVariable, deleteVariableAnnotation, listVariables, updateVariableAnnotation } from './variables.ts';
import { geocodeRoster } from './geocode-roster.ts';
import {
  getAgentAnalytics, getAgentAnalyticsTimeseries, getAnalyticsByAgent, getAnalyticsOverview, getAnalyticsTimeseries,
} from './observe/analytics.ts';
import {
  getConversation, getConversationAudio, getConversationReceipt, getConversationTranscript, listAgentCalls, listConversations,
} from './observe/conversations.ts';
import { getCallerVerification, getGuardrails, patchGuardrails, replaceCallerVerification, replaceGuardrails } from './guardrails.ts';
import { listTopicConversations, listTopics } from './observe/topics.ts';
import { listKnowledgeGaps, updateKnowledgeGap } from './observe/knowledge-gaps.ts';
import {
  createWebhookEndpoint, deleteWebhookEndpoint, getWebhookEndpoint, listWebhookDeliveries, listWebhookEndpoints, sendTestWebhook,
  updateWebhookEndpoint,
} from './webhooks.ts';
import {
  configureWalletAutoReload, creditWallet, getWallet, listWalletTransactions, settlePayment, topUpWallet,
} from './billing/wallet.ts';
import { changeSubscriptionPlan, getSubscription, listPlans } from './billing/plans.ts';
import { listUsageItems, listUsageRecords } from './billing/usage.ts';
import { downloadInvoicePdf, listInvoices } from './billing/invoices.ts';
import { assistAccount, assistAgent, getAssistThread, listAssistThreads, scaffoldAgent } from './assist.ts';
import { connectIntegration, disconnectIntegration, listIntegrationCatalog, listIntegrations } from './integrations/connections.ts';
import {
  discoverIntegration, getIntegrationObject, getIntegrationSchema, getIntegrationScoping, listIntegrationObjects, listIntegrationOperations,
  searchIntegrationSchema, setIntegrationScoping,
} from './integrations/schema.ts';
import { listIntegrationActions, provisionIntegrationActions, removeIntegrationSkills } from './integrations/actions.ts';
import { lookupSpreadsheet } from './integrations/spreadsheet.ts';
import { claimShopifyInstallTool } from './integrations/shopify-claim.ts';
import { autoMapIntegrationBinding, createIntegrationBinding } from './integrations/bindings.ts';
import { getIntegrationPack, installIntegrationPack } from './integrations/packs.ts';
import { getSqlSetupScripts, testSqlConnection } from './integrations/sql.ts';
import {
  checkAvailableNumber, importNumberTool, purchaseNumberTool, releaseNumberHold, reserveNumberTool, searchAvailableNumbers,
} from './numbers/buying.ts';
import { assignNumber, listNumbers, releaseNumberTool, unassignNumber } from './numbers/owned.ts';
import { placeSandboxCallTool } from './numbers/sandbox-calls.ts';
import { createApiKey, listApiKeys, revokeApiKey, rotateApiKey } from './account/api-keys.ts';
import { createSession, listSessions, renewSession, revokeSession } from './account/sessions.ts';

const ALL_TOOLS: readonly Tool[] = [
  listAgents, createAgent, getAgent, updateAgent, deleteAgent, setAgentVoice,
  publishAgent, listAgentVersions, rollbackAgent, diffAgentVersion, getPrepublishReport,
  listVoices, getVoiceFacets, searchVoices,
  getAccount, getLanguageMatrix,
  listAuditLogs,
  addKnowledgeSource, listKnowledgeSources, getKnowledgeSource, streamKnowledgeSource, deleteKnowledgeSource, updateKnowledgeSource,
  refreshKnowledgeSource, previewKnowledge, uploadFile,
  listPublishableKeys, createPublishableKey, updatePublishableKey, rotatePublishableKey, revokePublishableKey,
  getWidgetConfig, replaceWidgetConfig, getWidgetEmbed, getWidgetBootstrap,
  createVisitorToken, createWidgetSession, sendWidgetMessage, listWidgetMessages,
  simulateAgent, createTalkToken, startProbeRun, getProbeRun, streamProbeRun,
  listSkillTypes, createSkill, listSkills, getSkill, updateSkill, deleteSkill, geocodeRoster,
  listPlaybooks, createPlaybook, getPlaybook, updatePlaybook, deletePlaybook, getPlaybookGraph, replacePlaybookGraph,
  listVariables, annotateVariable, updateVariableAnnotation, deleteVariableAnnotation,
  getGuardrails, replaceGuardrails, patchGuardrails, getCallerVerification, replaceCallerVerification,
  createChatSession, getChatSession, listChatMessages, sendChatMessage, endChatSession, createChatCompletion, listModels, retrieveModel,
  getAgentAnalytics, getAgentAnalyticsTimeseries, getAnalyticsTimeseries, getAnalyticsOverview, getAnalyticsByAgent,
  listConversations, getConversation, getConversationTranscript, getConversationReceipt, getConversationAudio, listAgentCalls,
  listTopics, listTopicConversations, listKnowledgeGaps, updateKnowledgeGap,
  listWebhookEndpoints, createWebhookEndpoint, getWebhookEndpoint, updateWebhookEndpoint, deleteWebhookEndpoint,
  listWebhookDeliveries, sendTestWebhook,
  getWallet, listWalletTransactions, creditWallet, topUpWallet, configureWalletAutoReload, settlePayment,
  listNumbers, searchAvailableNumbers, checkAvailableNumber, reserveNumberTool, releaseNumberHold, purchaseNumberTool, importNumberTool,
  assignNumber, unassignNumber, releaseNumberTool, placeSandboxCallTool,
  listPlans, getSubscription, changeSubscriptionPlan, listUsageRecords, listUsageItems, listInvoices, downloadInvoicePdf,
  listIntegrationCatalog, listIntegrations, connectIntegration, disconnectIntegration,
  discoverIntegration, getIntegrationSchema, listIntegrationObjects, getIntegrationObject, listIntegrationOperations, searchIntegrationSchema,
  getIntegrationScoping, setIntegrationScoping,
  listIntegrationActions, provisionIntegrationActions, removeIntegrationSkills, lookupSpreadsheet, claimShopifyInstallTool,
  createIntegrationBinding, autoMapIntegrationBinding, getIntegrationPack, installIntegrationPack,
  getSqlSetupScripts, testSqlConnection,
  assistAccount, assistAgent, listAssistThreads, getAssistThread, scaffoldAgent,
  listApiKeys, createApiKey, rotateApiKey, revokeApiKey, listSessions, createSession, renewSession, revokeSession,
];

/** Fail loudly on a duplicate tool name or a duplicate method + path. */
export function checkRegistry(tools: readonly Tool[]): Map<string, Tool> {
  const byName = new Map<string, Tool>();
  const routes = new Set<string>();
  for (const tool of tools) {
    if (byName.has(tool.name)) throw new Error(`duplicate tool name: ${tool.name}`);
    const route = `${tool.http.method} ${tool.http.path.replace(/\{\w+\}/g, '{}')}`;
    if (routes.has(route)) throw new Error(`duplicate route: ${route} (${tool.name})`);
    byName.set(tool.name, tool);
    routes.add(route);
  }
  return byName;
}

/** Every tool; importing this module fails loudly if two tools collide. */
export const TOOLS: readonly Tool[] = ALL_TOOLS;
checkRegistry(TOOLS);
