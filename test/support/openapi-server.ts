/**
 * A REST API described by an OpenAPI 3 document, on a local port: a home-service company's
 * customers and appointments, served for real (JSON over HTTP, an API key header, 404s) with the
 * YAML document that describes it at /openapi.yaml. Each server has its own copy of the data.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const OPENAPI_KEY = 'sk_appts_6d1e0b';

export const APPOINTMENTS_OPENAPI = `
openapi: 3.0.3
info:
  title: Brightside Appointments
  version: 2.4.0
servers:
  - url: /v1
components:
  securitySchemes:
    apiKey: { type: apiKey, in: header, name: X-Api-Key }
  parameters:
    Phone:
      name: phone
      in: query
      required: true
      description: A phone number of the customer, in any format.
      schema: { type: string }
  schemas:
    Customer:
      type: object
      description: Someone the company works for.
      required: [id, name, phone]
      properties:
        id: { type: string }
        name: { type: string }
        phone: { type: string }
        email: { type: string, format: email }
        tier: { type: string, enum: [standard, gold, platinum] }
        ssn: { type: string, description: Kept for financing applications. }
    Appointment:
      type: object
      required: [id, customer, startsAt, status]
      properties:
        id: { type: string }
        customer: { $ref: '#/components/schemas/Customer' }
        startsAt: { type: string, format: date-time }
        status: { type: string, enum: [booked, confirmed, cancelled] }
        service: { type: string }
        technician: { type: string }
    AppointmentInput:
      type: object
      required: [phone, startsAt, service]
      properties:
        phone: { type: string, description: The customer's phone number. }
        startsAt: { type: string, format: date-time }
        service: { type: string }
security:
  - apiKey: []
paths:
  /customers:
    get:
      operationId: searchCustomers
      summary: Customers matching a name or phone number.
      parameters:
        - { name: q, in: query, schema: { type: string } }
      responses:
        '200':
          description: The matches.
          content:
            application/json:
              schema: { type: array, items: { $ref: '#/components/schemas/Customer' } }
  /customers/{customerId}:
    parameters:
      - { name: customerId, in: path, required: true, schema: { type: string } }
    get:
      operationId: getCustomer
      responses:
        '200':
          description: The customer.
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Customer' }
        '404': { description: No such customer. }
  /appointments/next:
    get:
      operationId: nextAppointment
      summary: The customer's next upcoming appointment.
      parameters:
        - $ref: '#/components/parameters/Phone'
      responses:
        '200':
          description: The appointment.
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Appointment' }
        '404': { description: None booked. }
  /appointments:
    get:
      operationId: listAppointments
      parameters:
        - $ref: '#/components/parameters/Phone'
        - { name: status, in: query, schema: { type: string, enum: [booked, confirmed, cancelled] } }
      responses:
        '200':
          description: The customer's appointments, soonest first.
          content:
            application/json:
              schema: { type: array, items: { $ref: '#/components/schemas/Appointment' } }
    post:
      operationId: bookAppointment
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: '#/components/schemas/AppointmentInput' }
      responses:
        '201':
          description: Booked.
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Appointment' }
  /appointments/{appointmentId}:
    patch:
      operationId: updateAppointment
      parameters:
        - { name: appointmentId, in: path, required: true, schema: { type: string } }
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                status: { type: string, enum: [booked, confirmed, cancelled] }
                startsAt: { type: string, format: date-time }
      responses:
        '200':
          description: Updated.
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Appointment' }
    delete:
      operationId: deleteAppointment
      parameters:
        - { name: appointmentId, in: path, required: true, schema: { type: string } }
      responses:
        '204': { description: Deleted. }
`;

interface Customer { id: string; name: string; phone: string; email: string; tier: string; ssn: string }
interface Appointment { id: string; customerId: string; startsAt: string; status: string; service: string; technician: string | null }

export interface OpenApiServer {
  /** The document's URL. */
  specUrl: string;
  origin: string;
  /** Every API call (method, path with query), in order. */
  calls: string[];
  /** The JSON bodies of writes, in order. */
  bodies: unknown[];
  customers: Customer[];
  appointments: Appointment[];
  close(): Promise<void>;
}

const digits = (phone: string) => phone.replace(/\D/g, '').slice(-10);

/** Serve the API and its document; calls without `X-Api-Key: OPENAPI_KEY` get 401. */
export async function startOpenApiServer(): Promise<OpenApiServer> {
  const customers: Customer[] = [
    { id: 'cus_1', name: 'Rosa Delgado', phone: '+1 (415) 555-0132', email: 'rosa@example.com', tier: 'gold', ssn: '123-45-6789' },
    { id: 'cus_2', name: 'Tom Becker', phone: '415-555-0177', email: 'tom@example.com', tier: 'standard', ssn: '987-65-4321' },
  ];
  const appointments: Appointment[] = [
    { id: 'apt_1', customerId: 'cus_1', startsAt: '2025-04-02T16:30:00Z', status: 'confirmed', service: 'Water heater flush', technician: 'Ana Ruiz' },
    { id: 'apt_2', customerId: 'cus_1', startsAt: '2025-05-14T09:00:00Z', status: 'booked', service: 'Drain cleaning', technician: null },
  ];
  const calls: string[] = [];
  const bodies: unknown[] = [];
  const view = (appointment: Appointment) => {
    const { customerId, ...rest } = appointment;
    return { ...rest, customer: customers.find((customer) => customer.id === customerId) };
  };
  const byPhone = (phone: string | null) => customers.find((customer) => phone && digits(customer.phone) === digits(phone));

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const send = (status: number, body?: unknown) => {
      response.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      response.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (url.pathname === '/openapi.yaml') {
      response.writeHead(200, { 'content-type': 'application/yaml' });
      response.end(APPOINTMENTS_OPENAPI);
      return;
    }
    calls.push(`${request.method} ${url.pathname}${url.search}`);
    if (request.headers['x-api-key'] !== OPENAPI_KEY) return send(401, { error: 'invalid api key' });
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>) : {};
    if (request.method !== 'GET') bodies.push(body);
    const phone = url.searchParams.get('phone');
    const mine = (customer: Customer | undefined) => appointments.filter((appointment) => appointment.customerId === customer?.id).sort((a, b) => a.startsAt.localeCompare(b.startsAt));
    let match: RegExpExecArray | null;
    if (request.method === 'GET' && url.pathname === '/v1/customers') {
      const q = (url.searchParams.get('q') ?? '').toLowerCase();
      return send(200, customers.filter((customer) => customer.name.toLowerCase().includes(q) || (q && digits(customer.phone) === digits(q))));
    }
    if (request.method === 'GET' && (match = /^\/v1\/customers\/([^/]+)$/.exec(url.pathname))) {
      const customer = customers.find((candidate) => candidate.id === decodeURIComponent(match![1]));
      return customer ? send(200, customer) : send(404, { error: 'no such customer' });
    }
    if (request.method === 'GET' && url.pathname === '/v1/appointments/next') {
      const next = mine(byPhone(phone)).find((appointment) => appointment.status !== 'cancelled');
      return next ? send(200, view(next)) : send(404, { error: 'no upcoming appointment' });
    }
    if (request.method === 'GET' && url.pathname === '/v1/appointments') {
      const status = url.searchParams.get('status');
      return send(200, mine(byPhone(phone)).filter((appointment) => !status || appointment.status === status).map(view));
    }
    if (request.method === 'POST' && url.pathname === '/v1/appointments') {
      const customer = byPhone(body.phone ?? null);
      if (!customer) return send(422, { error: 'unknown customer' });
      const appointment = { id: `apt_${appointments.length + 1}`, customerId: customer.id, startsAt: body.startsAt, status: 'booked', service: body.service, technician: null };
      appointments.push(appointment);
      return send(201, view(appointment));
    }
    if (request.method === 'PATCH' && (match = /^\/v1\/appointments\/([^/]+)$/.exec(url.pathname))) {
      const appointment = appointments.find((candidate) => candidate.id === decodeURIComponent(match![1]));
      if (!appointment) return send(404, { error: 'no such appointment' });
      Object.assign(appointment, body.status ? { status: body.status } : {}, body.startsAt ? { startsAt: body.startsAt } : {});
      return send(200, view(appointment));
    }
    send(404, { error: 'not found' });
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    specUrl: `${origin}/openapi.yaml`,
    origin,
    calls,
    bodies,
    customers,
    appointments,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
