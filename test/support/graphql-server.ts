/**
 * A real GraphQL-over-HTTP endpoint on a local port: POST { query, variables } run by the
 * `graphql` package's own executor against a schema and root value, answering { data, errors }
 * as a GraphQL server does. Requests (and their Authorization header) are recorded.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { graphql, type GraphQLSchema } from 'graphql';

export interface GraphQLRequest {
  query: string;
  variables: Record<string, unknown>;
  authorization: string | undefined;
}

export interface GraphQLServer {
  /** The endpoint, e.g. http://127.0.0.1:PORT/graphql. */
  url: string;
  requests: GraphQLRequest[];
  close(): Promise<void>;
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Serve `schema` at /graphql; with `token`, a request without `Authorization: Bearer <token>` gets 401. */
export async function startGraphQLServer(schema: GraphQLSchema, rootValue: unknown, options: { token?: string } = {}): Promise<GraphQLServer> {
  const requests: GraphQLRequest[] = [];
  const server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    void (async () => {
      if (request.method !== 'POST' || new URL(request.url ?? '/', 'http://localhost').pathname !== '/graphql') return send(404, { errors: [{ message: 'Not found' }] });
      if (options.token && request.headers.authorization !== `Bearer ${options.token}`) return send(401, { errors: [{ message: 'Unauthorized' }] });
      const body = await readJson(request);
      if (!body || typeof body.query !== 'string') return send(400, { errors: [{ message: 'Must provide query string.' }] });
      const variables = (body.variables ?? {}) as Record<string, unknown>;
      requests.push({ query: body.query, variables, authorization: request.headers.authorization });
      send(200, await graphql({ schema, source: body.query, variableValues: variables, rootValue }));
    })().catch((error: unknown) => send(500, { errors: [{ message: String(error) }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
