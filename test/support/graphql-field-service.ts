/**
 * A field-service GraphQL API in the shape of home-service job software (clients with phone
 * numbers, emails and properties; requests; jobs with a status and scheduled visits), served for
 * real by test/support/graphql-server.ts, with a small company's data. Each server gets its own
 * copy of the data, so what one test creates another never sees.
 */
import { buildSchema, introspectionFromSchema, buildClientSchema } from 'graphql';
import { startGraphQLServer, type GraphQLServer } from './graphql-server.ts';
import { normalizeGraphQL } from '../../src/runtime/integrations/providers/graphql-schema.ts';
import type { NormalizedSchema } from '../../src/runtime/integrations/schema.ts';
import type { Services } from '../../src/services.ts';

export const FIELD_SERVICE_TOKEN = 'fsk_live_3f9a2c71d84e';

export const FIELD_SERVICE_SDL = /* GraphQL */ `
  "An ISO 8601 date-time."
  scalar DateTime

  "A customer of the business."
  type Client {
    id: ID!
    firstName: String!
    lastName: String!
    companyName: String
    phones: [PhoneNumber!]!
    emails: [Email!]!
    properties: [Property!]!
    "The client's jobs, newest first."
    jobs(status: JobStatus): [Job!]!
    requests: [Request!]!
    "Outstanding balance in dollars."
    balance: Float
    "Last four digits of the card on file."
    cardLast4: String
  }

  type PhoneNumber {
    number: String!
    description: String
    primary: Boolean!
  }

  type Email {
    address: String!
    primary: Boolean!
  }

  "A service address."
  type Property {
    id: ID!
    street: String!
    city: String!
    province: String!
    postalCode: String!
  }

  enum JobStatus {
    UPCOMING
    ACTIVE
    REQUIRES_INVOICING
    COMPLETED
    CANCELLED
  }

  "Work the business does for a client, in one or more visits."
  type Job {
    id: ID!
    jobNumber: Int!
    title: String!
    jobStatus: JobStatus!
    client: Client!
    property: Property
    visits: [Visit!]!
    "The first visit not yet completed."
    nextVisit: Visit
  }

  type Visit {
    id: ID!
    title: String!
    startAt: DateTime!
    endAt: DateTime!
    assignedTo: String
    completed: Boolean!
  }

  enum RequestStatus {
    NEW
    ASSESSMENT_SCHEDULED
    CONVERTED
    ARCHIVED
  }

  "Work a client asked for, before it becomes a job."
  type Request {
    id: ID!
    title: String!
    details: String
    status: RequestStatus!
    contactName: String
    serviceAddress: String
    client: Client!
    createdAt: DateTime!
  }

  input RequestCreateInput {
    "A phone number of the client (a new client is made for an unknown one)."
    clientPhone: String!
    title: String!
    details: String
    contactName: String
    serviceAddress: String
  }

  type Query {
    "The client with this phone number, whatever its formatting."
    clientByPhone(phone: String!): Client
    client(id: ID!): Client
    clients(search: String, first: Int = 20): [Client!]!
    "Jobs, newest first; filtered by a client's phone number and status."
    jobs(clientPhone: String, status: JobStatus, first: Int = 10): [Job!]!
    job(id: ID!): Job
  }

  type Mutation {
    createRequest(input: RequestCreateInput!): Request!
    updateJob(id: ID!, title: String, jobStatus: JobStatus): Job
    deleteRequest(id: ID!): Request
  }
`;

interface VisitRow { id: string; title: string; startAt: string; endAt: string; assignedTo: string | null; completed: boolean }
interface PropertyRow { id: string; street: string; city: string; province: string; postalCode: string }
interface ClientRow {
  id: string; firstName: string; lastName: string; companyName: string | null; balance: number; cardLast4: string | null;
  phones: { number: string; description: string | null; primary: boolean }[];
  emails: { address: string; primary: boolean }[];
  properties: PropertyRow[];
}
interface JobRow { id: string; jobNumber: number; title: string; jobStatus: string; clientId: string; propertyId: string | null; visits: VisitRow[]; createdAt: string }
interface RequestRow { id: string; title: string; details: string | null; status: string; contactName: string | null; serviceAddress: string | null; clientId: string; createdAt: string }

export interface FieldServiceData {
  clients: ClientRow[];
  jobs: JobRow[];
  requests: RequestRow[];
}

/** Capital Comfort Heating & Air's book: three clients, their jobs and visits. */
export function fieldServiceData(): FieldServiceData {
  return {
    clients: [
      {
        id: 'Z2lkOi8vQ2xpZW50LzEwMQ', firstName: 'Dana', lastName: 'Whitfield', companyName: null, balance: 0, cardLast4: '4242',
        phones: [{ number: '(303) 555-0188', description: 'Mobile', primary: true }],
        emails: [{ address: 'dana.whitfield@example.com', primary: true }],
        properties: [{ id: 'prop_1420', street: '1420 Maple Ave', city: 'Boulder', province: 'CO', postalCode: '80304' }],
      },
      {
        id: 'Z2lkOi8vQ2xpZW50LzEwMg', firstName: 'Marcus', lastName: 'Lee', companyName: 'Lee Family Dental', balance: 312.5, cardLast4: null,
        phones: [{ number: '303-555-0142', description: 'Office', primary: true }, { number: '720.555.0199', description: 'Mobile', primary: false }],
        emails: [{ address: 'office@leefamilydental.example', primary: true }],
        properties: [
          { id: 'prop_2600', street: '2600 Canyon Blvd', city: 'Boulder', province: 'CO', postalCode: '80302' },
          { id: 'prop_88', street: '88 Pine St', city: 'Louisville', province: 'CO', postalCode: '80027' },
        ],
      },
      {
        id: 'Z2lkOi8vQ2xpZW50LzEwMw', firstName: 'Priya', lastName: 'Natarajan', companyName: null, balance: 0, cardLast4: '1881',
        phones: [{ number: '+1 303 555 0111', description: 'Home', primary: true }],
        emails: [],
        properties: [{ id: 'prop_517', street: '517 Arapahoe Ave', city: 'Boulder', province: 'CO', postalCode: '80302' }],
      },
    ],
    jobs: [
      {
        id: 'job_1042', jobNumber: 1042, title: 'Furnace not igniting', jobStatus: 'ACTIVE', clientId: 'Z2lkOi8vQ2xpZW50LzEwMQ', propertyId: 'prop_1420', createdAt: '2025-03-09T16:20:00Z',
        visits: [
          { id: 'visit_1', title: 'Diagnose furnace', startAt: '2025-03-10T15:00:00Z', endAt: '2025-03-10T16:00:00Z', assignedTo: 'Luis Ortega', completed: true },
          { id: 'visit_2', title: 'Replace igniter', startAt: '2025-03-12T15:00:00Z', endAt: '2025-03-12T17:00:00Z', assignedTo: 'Luis Ortega', completed: false },
        ],
      },
      {
        id: 'job_0977', jobNumber: 977, title: 'Annual AC tune-up', jobStatus: 'COMPLETED', clientId: 'Z2lkOi8vQ2xpZW50LzEwMQ', propertyId: 'prop_1420', createdAt: '2024-06-02T14:00:00Z',
        visits: [{ id: 'visit_0', title: 'AC tune-up', startAt: '2024-06-05T14:00:00Z', endAt: '2024-06-05T15:00:00Z', assignedTo: 'Kim Nguyen', completed: true }],
      },
      {
        id: 'job_1051', jobNumber: 1051, title: 'Rooftop unit replacement', jobStatus: 'UPCOMING', clientId: 'Z2lkOi8vQ2xpZW50LzEwMg', propertyId: 'prop_2600', createdAt: '2025-03-08T10:00:00Z',
        visits: [{ id: 'visit_9', title: 'Install RTU', startAt: '2025-03-20T13:00:00Z', endAt: '2025-03-20T21:00:00Z', assignedTo: 'Sam Becker', completed: false }],
      },
    ],
    requests: [],
  };
}

/** The last ten digits: "(303) 555-0188", "+13035550188" and "303.555.0188" are one number. */
const digits = (phone: string) => phone.replace(/\D/g, '').slice(-10);

/** The root value resolving the schema against `data` (mutations change it). */
export function fieldServiceRoot(data: FieldServiceData) {
  const clientByPhone = (phone: string) => data.clients.find((client) => client.phones.some((entry) => digits(entry.number) === digits(phone)));
  const visitsOf = (job: JobRow) => [...job.visits].sort((a, b) => a.startAt.localeCompare(b.startAt));
  const jobView = (job: JobRow): Record<string, unknown> => ({
    ...job,
    client: () => clientView(data.clients.find((client) => client.id === job.clientId)!),
    property: () => data.clients.flatMap((client) => client.properties).find((property) => property.id === job.propertyId) ?? null,
    visits: () => visitsOf(job),
    nextVisit: () => visitsOf(job).find((visit) => !visit.completed) ?? null,
  });
  const jobsOf = (clientId: string | undefined, status?: string) =>
    data.jobs
      .filter((job) => (!clientId || job.clientId === clientId) && (!status || job.jobStatus === status))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map(jobView);
  const requestView = (request: RequestRow): Record<string, unknown> => ({ ...request, client: () => clientView(data.clients.find((client) => client.id === request.clientId)!) });
  const clientView = (client: ClientRow): Record<string, unknown> => ({
    ...client,
    jobs: ({ status }: { status?: string }) => jobsOf(client.id, status),
    requests: () => data.requests.filter((request) => request.clientId === client.id).map(requestView),
  });
  return {
    clientByPhone: ({ phone }: { phone: string }) => {
      const client = clientByPhone(phone);
      return client ? clientView(client) : null;
    },
    client: ({ id }: { id: string }) => {
      const client = data.clients.find((candidate) => candidate.id === id);
      return client ? clientView(client) : null;
    },
    clients: ({ search, first }: { search?: string; first: number }) =>
      data.clients.filter((client) => !search || `${client.firstName} ${client.lastName} ${client.companyName ?? ''}`.toLowerCase().includes(search.toLowerCase())).slice(0, first).map(clientView),
    jobs: ({ clientPhone, status, first }: { clientPhone?: string; status?: string; first: number }) => {
      if (clientPhone === undefined) return jobsOf(undefined, status).slice(0, first);
      const client = clientByPhone(clientPhone);
      return client ? jobsOf(client.id, status).slice(0, first) : [];
    },
    job: ({ id }: { id: string }) => {
      const job = data.jobs.find((candidate) => candidate.id === id);
      return job ? jobView(job) : null;
    },
    createRequest: ({ input }: { input: { clientPhone: string; title: string; details?: string; contactName?: string; serviceAddress?: string } }) => {
      let client = clientByPhone(input.clientPhone);
      if (!client) {
        const [firstName = 'Unknown', ...rest] = (input.contactName ?? '').split(' ').filter(Boolean);
        client = { id: `client_${data.clients.length + 101}`, firstName, lastName: rest.join(' '), companyName: null, balance: 0, cardLast4: null, phones: [{ number: input.clientPhone, description: null, primary: true }], emails: [], properties: [] };
        data.clients.push(client);
      }
      const request: RequestRow = {
        id: `req_${data.requests.length + 1}`, title: input.title, details: input.details ?? null, status: 'NEW', contactName: input.contactName ?? null,
        serviceAddress: input.serviceAddress ?? null, clientId: client.id, createdAt: '2025-03-11T09:30:00Z',
      };
      data.requests.push(request);
      return requestView(request);
    },
    updateJob: ({ id, title, jobStatus }: { id: string; title?: string; jobStatus?: string }) => {
      const job = data.jobs.find((candidate) => candidate.id === id);
      if (!job) return null;
      Object.assign(job, title ? { title } : {}, jobStatus ? { jobStatus } : {});
      return jobView(job);
    },
    deleteRequest: ({ id }: { id: string }) => {
      const index = data.requests.findIndex((request) => request.id === id);
      return index < 0 ? null : requestView(data.requests.splice(index, 1)[0]);
    },
  };
}

export interface FieldServiceServer extends GraphQLServer {
  data: FieldServiceData;
}

/** The API on a local port, with a fresh copy of the data; it wants `Authorization: Bearer FIELD_SERVICE_TOKEN`. */
export async function startFieldServiceServer(): Promise<FieldServiceServer> {
  const data = fieldServiceData();
  const server = await startGraphQLServer(buildSchema(FIELD_SERVICE_SDL), fieldServiceRoot(data), { token: FIELD_SERVICE_TOKEN });
  return { ...server, data };
}

/** The normalized schema discovery makes of this API (through an introspection round trip, offline). */
export function fieldServiceSchema(): NormalizedSchema {
  return normalizeGraphQL(buildClientSchema(introspectionFromSchema(buildSchema(FIELD_SERVICE_SDL))));
}

/** Store a field-service connection and its discovered schema in the org, as connecting and discovering would (for tests that call no provider). */
export function seedFieldService(services: Pick<Services, 'integrations'>, orgId: string): void {
  services.integrations.connect(orgId, 'field_service', { api_key: FIELD_SERVICE_TOKEN }, 'fieldservice.example');
  services.integrations.saveSchema(orgId, 'field_service', fieldServiceSchema());
}
