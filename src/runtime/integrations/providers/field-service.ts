/**
 * field_service: home-service job software (HVAC, plumbing, electrical) over its GraphQL API, in
 * the shape such products share: clients with phone numbers, emails and properties; requests
 * (leads the office turns into jobs); jobs with a status and scheduled visits. It has no
 * ready-made actions: its Connector Pack installs bindings over the discovered schema, which
 * expects these root fields:
 *
 *   clientByPhone(phone: String!): Client            — a client by any of their numbers
 *   jobs(clientPhone: String, …): [Job!]!           — a client's jobs, each with its next visit
 *   createRequest(input: RequestCreateInput!): Request!  — a new request for the caller
 *
 * The API's address is the deployment's (FLOWYTE_FIELD_SERVICE_URL); each org connects with its
 * own API key, sent as a bearer token.
 */
import { z } from 'zod';
import { FlowyteError } from '../../../errors.ts';
import type { BindingSpec } from '../bindings.ts';
import type { ConnectionContext, ConnectorPack, IntegrationProvider } from '../provider.ts';
import type { GraphQLEndpoint } from './graphql-client.ts';
import { graphqlOperations } from './graphql.ts';

function endpointOf(context: ConnectionContext): GraphQLEndpoint {
  const url = context.services.config.fieldServiceUrl;
  if (!url) throw new FlowyteError('integration_unavailable', 'this deployment has no field-service API: set FLOWYTE_FIELD_SERVICE_URL (see docs/configuration.md), then connect again');
  return { url, headers: { authorization: `Bearer ${String(context.credentials.api_key)}` } };
}

const findClient: BindingSpec = {
  toolName: 'Find client',
  description: 'Recognize a returning customer by the phone number they call from, and read back their name and the property on file.',
  operation: 'clientByPhone',
  inputs: [{ param: 'caller_phone', arg: 'phone', required: true }],
  projection: [
    { path: ['client', 'id'], leaf: 'client_id' },
    { path: ['client', 'firstName'], leaf: 'first_name' },
    { path: ['client', 'lastName'], leaf: 'last_name' },
    { path: ['client', 'companyName'], leaf: 'company_name' },
    { path: ['client', 'properties', 'street'], leaf: 'property_street' },
    { path: ['client', 'properties', 'city'], leaf: 'property_city' },
  ],
  enabled: true,
};

const createLead: BindingSpec = {
  toolName: 'Create lead',
  description: 'Open a new service request for the caller (what they need, and where), for the office to turn into a scheduled job.',
  operation: 'createRequest',
  inputs: [
    { param: 'caller_phone', arg: 'input.clientPhone', required: true },
    { param: 'request_details', arg: 'input.title', required: true },
    { param: 'caller_name', arg: 'input.contactName', required: false },
    { param: 'service_address', arg: 'input.serviceAddress', required: false },
  ],
  projection: [
    { path: ['request', 'id'], leaf: 'request_id' },
    { path: ['request', 'status'], leaf: 'request_status' },
  ],
};

const getJobStatus: BindingSpec = {
  toolName: 'Get job status',
  description: "Check the caller's jobs and when their technician is next coming, by the phone number on their account.",
  operation: 'jobs',
  inputs: [{ param: 'caller_phone', arg: 'clientPhone', required: true }],
  projection: [
    { path: ['job', 'title'], leaf: 'job_title' },
    { path: ['job', 'jobStatus'], leaf: 'job_status' },
    { path: ['job', 'nextVisit', 'startAt'], leaf: 'next_visit_start' },
    { path: ['job', 'nextVisit', 'assignedTo'], leaf: 'technician' },
  ],
  enabled: true,
};

const pack: ConnectorPack = {
  guidance: {
    operations:
      'clientByPhone finds one client by any of their phone numbers (formatting does not matter). jobs lists a client\'s jobs, most recent first, each with its status and next scheduled visit. createRequest opens a request — a lead the office reviews and turns into a job; it does not schedule a visit.',
    callerIdentification:
      'Identify callers by the number they call from (caller_phone). A client can have several numbers, so ask for the number on the account when the calling one is not found; ask for the name and service address before opening a request for a new caller.',
    limits:
      'Visits cannot be booked, moved or cancelled, and prices and invoices are not available: offer a request or a transfer instead. Emergencies (no heat, gas smell, flooding) belong with a transfer skill to the on-call person.',
  },
  presets: [
    { id: 'find_client', name: findClient.toolName, description: findClient.description!, binding: findClient as unknown as Record<string, unknown> },
    { id: 'create_lead', name: createLead.toolName, description: createLead.description!, binding: createLead as unknown as Record<string, unknown> },
    { id: 'get_job_status', name: getJobStatus.toolName, description: getJobStatus.description!, binding: getJobStatus as unknown as Record<string, unknown> },
  ],
};

export const fieldServiceProvider: IntegrationProvider = {
  kind: 'field_service',
  name: 'Field-service software',
  category: 'field_service',
  description: 'Home-service job software: recognize customers by phone, capture requests into the office queue, and tell callers when their technician is coming.',
  logo: 'field-service',
  auth: 'api_key',
  credentials: z.object({ api_key: z.string().trim().min(8).max(500) }),
  actions: [],
  ...graphqlOperations(endpointOf),
  pack,
};
