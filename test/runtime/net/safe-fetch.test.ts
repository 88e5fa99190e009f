import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FlowyteError } from '../../../src/errors.ts';
import { safeFetch, safeFetchWithDialer, type SafeFetchOptions } from '../../../src/runtime/net/safe-fetch.ts';
import { assertUrlShape } from '../../../src/runtime/net/destination.ts';
import type { ConnectTarget } from '../../../src/runtime/net/pinned-connection.ts';

// Only loopback ever carries traffic here. FAKE_PUBLIC is a public-looking address that the
// fake resolver hands out and `loopbackDial` maps onto 127.0.0.1; nothing ever connects to it.
const FAKE_PUBLIC = '93.184.215.14';

interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface TestServer {
  port: number;
  origin: string;
  seen: SeenRequest[];
}

const servers: http.Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function startServer(handle: (request: SeenRequest, response: http.ServerResponse) => void): Promise<TestServer> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request = { method: incoming.method ?? '', url: incoming.url ?? '', headers: incoming.headers, body: Buffer.concat(chunks).toString() };
      seen.push(request);
      handle(request, response);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, origin: `http://127.0.0.1:${port}`, seen };
}

const local: SafeFetchOptions = { allowPrivateNetwork: true, maxBytes: 1_000_000, timeoutMs: 5_000 };
const guarded: SafeFetchOptions = { allowPrivateNetwork: false, maxBytes: 1_000_000, timeoutMs: 5_000 };

/** Resolves `*.public.test` to the fake public address and `*.internal.test` to a private one. */
async function fakeResolve(hostname: string): Promise<string[]> {
  if (hostname.endsWith('public.test')) return [FAKE_PUBLIC];
  if (hostname.endsWith('internal.test')) return ['10.0.0.7'];
  throw Object.assign(new Error(`unexpected lookup of ${hostname}`), { code: 'ENOTFOUND' });
}

/** A dialer that records what it was asked for and always connects to loopback on the URL's port. */
function loopbackDial() {
  const targets: ConnectTarget[] = [];
  const dial = (target: ConnectTarget) => {
    targets.push(target);
    return net.connect({ host: '127.0.0.1', port: target.port });
  };
  return { dial, targets };
}

async function failure(promise: Promise<unknown>): Promise<FlowyteError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(FlowyteError);
  return error as FlowyteError;
}

describe('safeFetch on a local network (allowPrivateNetwork)', () => {
  it('returns status, headers, body and the final URL after a redirect', async () => {
    const server = await startServer((request, response) => {
      if (request.url === '/start') response.writeHead(302, { location: '/final?x=1' }).end();
      else response.writeHead(201, { 'content-type': 'text/plain; charset=utf-8', 'x-test': 'yes' }).end('hello');
    });
    const result = await safeFetch(`${server.origin}/start`, local);
    expect(result.url).toBe(`${server.origin}/final?x=1`);
    expect(result.status).toBe(201);
    expect(result.headers['x-test']).toBe('yes');
    expect(result.contentType).toBe('text/plain; charset=utf-8');
    expect(result.body.toString()).toBe('hello');
    expect(server.seen.map((request) => request.url)).toEqual(['/start', '/final?x=1']);
  });

  it('connects to the resolved address without asking DNS again, keeping the Host header', async () => {
    const server = await startServer((_request, response) => response.end('pinned'));
    let lookups = 0;
    const resolve = async () => {
      lookups++;
      return ['127.0.0.1'];
    };
    // `pinned.invalid` cannot resolve in real DNS, so reaching the server proves the vetted address was used.
    const result = await safeFetch(`http://pinned.invalid:${server.port}/`, { ...local, resolve });
    expect(result.body.toString()).toBe('pinned');
    expect(lookups).toBe(1);
    expect(server.seen[0].headers.host).toBe(`pinned.invalid:${server.port}`);
  });

  it('tries the next vetted address when the first refuses the connection', async () => {
    const server = await startServer((_request, response) => response.end('second'));
    // Nothing listens on 127.0.0.2; `dual.invalid` cannot resolve, so only the vetted list is used.
    const resolve = async () => ['127.0.0.2', '127.0.0.1'];
    const result = await safeFetch(`http://dual.invalid:${server.port}/`, { ...local, resolve });
    expect(result.body.toString()).toBe('second');
  });

  it('still refuses non-http schemes', async () => {
    const error = await failure(safeFetch('file:///etc/passwd', local));
    expect(error.code).toBe('url_not_allowed');
  });

  it('reports a refused connection as fetch_failed with the cause', async () => {
    const port = await closedPort();
    const error = await failure(safeFetch(`http://127.0.0.1:${port}/`, local));
    expect(error.code).toBe('fetch_failed');
    expect(error.message).toContain('ECONNREFUSED');
  });
});

describe('safeFetch address checks', () => {
  it('refuses a loopback URL before connecting', async () => {
    const server = await startServer((_request, response) => response.end('secret'));
    const error = await failure(safeFetch(`${server.origin}/`, guarded));
    expect(error.code).toBe('url_not_allowed');
    expect(error.message).toContain('127.0.0.1 is a loopback address');
    expect(server.seen).toHaveLength(0);
  });

  it('refuses localhost after resolving it with DNS', async () => {
    const server = await startServer((_request, response) => response.end('secret'));
    const error = await failure(safeFetch(`http://localhost:${server.port}/`, guarded));
    expect(error.code).toBe('url_not_allowed');
    expect(error.message).toMatch(/localhost: (127\.0\.0\.1|::1) is a loopback address/);
    expect(server.seen).toHaveLength(0);
  });

  it('refuses a host when any one of its addresses is private', async () => {
    const { dial, targets } = loopbackDial();
    const resolve = async () => [FAKE_PUBLIC, '10.0.0.7'];
    const error = await failure(safeFetchWithDialer('http://mixed.test/', { ...guarded, resolve }, dial));
    expect(error.code).toBe('url_not_allowed');
    expect(error.message).toBe('Refused to connect to mixed.test: 10.0.0.7 is a private address');
    expect(targets).toHaveLength(0);
  });

  it('refuses a hostname resolving to an IPv4-mapped private address', async () => {
    const { dial, targets } = loopbackDial();
    const resolve = async () => ['::ffff:10.0.0.1'];
    const error = await failure(safeFetchWithDialer('http://mapped.test/', { ...guarded, resolve }, dial));
    expect(error.message).toContain('10.0.0.1 is a private address');
    expect(targets).toHaveLength(0);
  });

  it.each([
    ['http://[::1]:{port}/', '::1 is a loopback address'],
    ['http://0x7f000001:{port}/', '127.0.0.1 is a loopback address'],
    ['http://2130706433:{port}/', '127.0.0.1 is a loopback address'],
    ['http://0x7f.1:{port}/', '127.0.0.1 is a loopback address'],
    ['http://017700000001:{port}/', '127.0.0.1 is a loopback address'],
    ['http://[::ffff:127.0.0.1]:{port}/', '127.0.0.1 is a loopback address'],
    ['http://[64:ff9b::127.0.0.1]:{port}/', '127.0.0.1 is a loopback address'],
    ['http://[::127.0.0.1]:{port}/', '::7f00:1 is an IPv4-compatible IPv6 address'],
    ['http://0.0.0.0:{port}/', '0.0.0.0 is an unspecified address'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a cloud metadata address'],
    ['http://[fd00:ec2::254]/', 'fd00:ec2::254 is a cloud metadata address'],
    ['http://100.64.0.1/', '100.64.0.1 is a carrier-grade NAT address'],
    ['http://10.1.2.3/', '10.1.2.3 is a private address'],
    ['http://192.168.0.1/', '192.168.0.1 is a private address'],
    ['http://[fc00::1]/', 'fc00::1 is a unique-local address'],
    ['http://[fe80::1]/', 'fe80::1 is a link-local address'],
    ['http://224.0.0.1/', '224.0.0.1 is a multicast address'],
    ['http://255.255.255.255/', '255.255.255.255 is the broadcast address'],
    ['http://192.0.2.10/', '192.0.2.10 is a reserved or documentation address'],
    ['http://[2001:db8::1]/', '2001:db8::1 is a reserved or documentation address'],
    ['http://[2002:7f00:1::1]/', '6to4'],
  ])('refuses the literal address in %s before connecting', async (template, reason) => {
    const server = await startServer((_request, response) => response.end('secret'));
    const { dial, targets } = loopbackDial();
    const url = template.replace('{port}', String(server.port));
    const error = await failure(safeFetchWithDialer(url, guarded, dial));
    expect(error.code).toBe('url_not_allowed');
    expect(error.message).toContain(reason);
    expect(targets).toHaveLength(0);
    expect(server.seen).toHaveLength(0);
  });

  it('lets a public address through to the dialer (the seam the redirect tests rely on)', async () => {
    const server = await startServer((_request, response) => response.end('public'));
    const { dial, targets } = loopbackDial();
    const result = await safeFetchWithDialer(`http://www.public.test:${server.port}/`, { ...guarded, resolve: fakeResolve }, dial);
    expect(result.body.toString()).toBe('public');
    expect(targets).toEqual([{ hostname: 'www.public.test', port: server.port, tls: false, addresses: [{ address: FAKE_PUBLIC, family: 4 }] }]);
  });
});

describe('safeFetch redirects', () => {
  it.each([
    ['a loopback literal', (private_: TestServer) => `${private_.origin}/secret`, '127.0.0.1 is a loopback address'],
    ['a host resolving to a private address', (private_: TestServer) => `http://db.internal.test:${private_.port}/secret`, '10.0.0.7 is a private address'],
    ['the metadata address', () => 'http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a cloud metadata address'],
    ['a non-http scheme', () => 'file:///etc/passwd', 'Only http and https'],
  ])('refuses a redirect from a public start to %s', async (_label, location, reason) => {
    const privateServer = await startServer((_request, response) => response.end('secret'));
    const start = await startServer((_request, response) => response.writeHead(302, { location: location(privateServer) }).end());
    const { dial, targets } = loopbackDial();
    const error = await failure(safeFetchWithDialer(`http://start.public.test:${start.port}/`, { ...guarded, resolve: fakeResolve }, dial));
    expect(error.code).toBe('url_not_allowed');
    expect(error.message).toContain(reason);
    expect(start.seen).toHaveLength(1);
    expect(privateServer.seen).toHaveLength(0);
    expect(targets.map((target) => target.hostname)).toEqual(['start.public.test']);
  });

  it('gives up after maxRedirects hops', async () => {
    const server = await startServer((request, response) => response.writeHead(302, { location: `${request.url}x` }).end());
    const error = await failure(safeFetch(`${server.origin}/`, { ...local, maxRedirects: 3 }));
    expect(error.code).toBe('fetch_failed');
    expect(error.message).toBe('Stopped after 3 redirects');
    expect(server.seen.map((request) => request.url)).toEqual(['/', '/x', '/xx', '/xxx']);
  });

  it('turns a POST into a body-less GET on 303 and keeps it on 307', async () => {
    const server = await startServer((request, response) => {
      if (request.url === '/see-other') response.writeHead(303, { location: '/result' }).end();
      else if (request.url === '/temporary') response.writeHead(307, { location: '/result' }).end();
      else response.end(request.method);
    });
    const post = { ...local, method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' };

    const seeOther = await safeFetch(`${server.origin}/see-other`, post);
    expect(seeOther.body.toString()).toBe('GET');
    const [, redirected] = server.seen;
    expect(redirected).toMatchObject({ method: 'GET', url: '/result', body: '' });
    expect(redirected.headers['content-type']).toBeUndefined();

    const temporary = await safeFetch(`${server.origin}/temporary`, post);
    expect(temporary.body.toString()).toBe('POST');
    expect(server.seen[3]).toMatchObject({ method: 'POST', url: '/result', body: '{"a":1}' });
  });

  it('drops credentials when a redirect changes origin', async () => {
    const other = await startServer((_request, response) => response.end('other'));
    const start = await startServer((_request, response) => response.writeHead(302, { location: `${other.origin}/` }).end());
    await safeFetch(`${start.origin}/`, { ...local, headers: { Authorization: 'Bearer secret', 'X-Keep': 'kept' } });
    expect(start.seen[0].headers.authorization).toBe('Bearer secret');
    expect(other.seen[0].headers.authorization).toBeUndefined();
    expect(other.seen[0].headers['x-keep']).toBe('kept');
  });
});

describe('safeFetch limits', () => {
  it('rejects a body over maxBytes announced by Content-Length before reading it', async () => {
    // Only the headers are sent: waiting for the body would end in a timeout instead.
    const server = await startServer((_request, response) => response.writeHead(200, { 'content-length': '200' }).flushHeaders());
    const error = await failure(safeFetch(`${server.origin}/`, { ...local, maxBytes: 100, timeoutMs: 3_000 }));
    expect(error.code).toBe('fetch_failed');
    expect(error.message).toBe('The response is larger than 100 bytes');
  });

  it('aborts a streamed body as soon as it passes maxBytes, without waiting for its end', async () => {
    // The response never ends: only enforcing the cap while streaming can finish before the timeout.
    const server = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      for (let chunk = 0; chunk < 10; chunk++) response.write('y'.repeat(64));
    });
    const error = await failure(safeFetch(`${server.origin}/`, { ...local, maxBytes: 300, timeoutMs: 3_000 }));
    expect(error.code).toBe('fetch_failed');
    expect(error.message).toBe('The response is larger than 300 bytes');
  });

  it('accepts a body of exactly maxBytes', async () => {
    const server = await startServer((_request, response) => response.end('z'.repeat(100)));
    const result = await safeFetch(`${server.origin}/`, { ...local, maxBytes: 100 });
    expect(result.body).toHaveLength(100);
  });

  it('times out a server that never answers', async () => {
    const server = await startServer(() => {});
    const startedAt = Date.now();
    const error = await failure(safeFetch(`${server.origin}/`, { ...local, timeoutMs: 200 }));
    expect(error.code).toBe('fetch_failed');
    expect(error.message).toBe('The request timed out after 200 ms');
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });

  it('times out a body that stalls after the headers', async () => {
    const server = await startServer((_request, response) => response.writeHead(200).write('partial'));
    const error = await failure(safeFetch(`${server.origin}/`, { ...local, timeoutMs: 200 }));
    expect(error.message).toBe('The request timed out after 200 ms');
  });

  it('stops when the caller aborts', async () => {
    const server = await startServer(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(safeFetch(`${server.origin}/`, { ...local, signal: controller.signal }));
    expect(error.code).toBe('fetch_failed');
    expect(error.message).toBe('The request was aborted');
  });
});

describe('assertUrlShape', () => {
  it.each(['file:///etc/passwd', 'ftp://example.com/file', 'gopher://example.com:70/', 'data:text/plain,hello', 'javascript:alert(1)'])(
    'refuses the non-http URL %s',
    async (url) => {
      expect(() => assertUrlShape(url)).toThrow(/Only http and https/);
      const error = await failure(safeFetch(url, guarded));
      expect(error.code).toBe('url_not_allowed');
    },
  );

  it('refuses credentials in the URL and text that is not a URL', () => {
    expect(() => assertUrlShape('https://user:pass@example.com/')).toThrow('URLs must not contain credentials');
    expect(() => assertUrlShape('not a url')).toThrow('The URL is not a valid absolute URL');
  });

  it('returns the parsed URL for http and https', () => {
    expect(assertUrlShape('https://Example.com/a?b=c').href).toBe('https://example.com/a?b=c');
    expect(assertUrlShape('http://example.com').hostname).toBe('example.com');
  });
});

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
