/**
 * The outbound destination policy: the same check when a URL is saved as on every fetch hop, and
 * cloud metadata refused whatever FLOWYTE_ALLOW_PRIVATE_NETWORK says.
 */
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FlowyteError } from '../../../src/errors.ts';
import { assertAllowedDestination } from '../../../src/runtime/net/destination.ts';
import { safeFetch } from '../../../src/runtime/net/safe-fetch.ts';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A loopback server that redirects every request to `location`, counting the requests. */
async function redirectingServer(location: string): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = http.createServer((_request, response) => {
    hits += 1;
    response.writeHead(302, { location }).end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/start`, hits: () => hits };
}

async function refusal(work: Promise<unknown>): Promise<FlowyteError> {
  const error = await work.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(FlowyteError);
  return error as FlowyteError;
}

const names: Record<string, string[]> = {
  'shop.public.test': ['93.184.215.14'],
  'db.internal.test': ['93.184.215.14', '10.0.0.7'],
  'loop.public.test': ['127.0.0.1'],
  'imds.public.test': ['169.254.169.254'],
};
async function resolve(hostname: string): Promise<string[]> {
  const answers = names[hostname];
  if (!answers) throw Object.assign(new Error(`no such host ${hostname}`), { code: 'ENOTFOUND' });
  return answers;
}

const METADATA = [
  ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a cloud metadata address'],
  ['http://[fd00:ec2::254]/', 'fd00:ec2::254 is a cloud metadata address'],
  ['http://100.100.100.200/latest/meta-data/', '100.100.100.200 is a cloud metadata address'],
  ['http://169.254.170.2/v2/credentials', '169.254.170.2 is a link-local address (169.254.0.0/16'],
  ['http://[::ffff:169.254.169.254]/', '::ffff:a9fe:a9fe is a cloud metadata address'],
  ['http://metadata.google.internal/computeMetadata/v1/', 'metadata.google.internal is a cloud metadata host name'],
  ['http://METADATA.google.internal./', 'metadata.google.internal is a cloud metadata host name'],
  ['http://imds.public.test/', 'imds.public.test: 169.254.169.254 is a cloud metadata address'],
] as const;

describe('assertAllowedDestination (save time)', () => {
  it('refuses private and loopback destinations, literal or after DNS, with url_not_allowed and the field', async () => {
    const policy = { allowPrivateNetwork: false, resolve };
    for (const [url, reason] of [
      ['https://10.1.2.3/hook', '10.1.2.3 is a private address'],
      ['https://db.internal.test/hook', 'db.internal.test: 10.0.0.7 is a private address'],
      ['https://loop.public.test/hook', 'loop.public.test: 127.0.0.1 is a loopback address'],
      ['https://api.localhost/hook', 'api.localhost is a loopback name'],
    ]) {
      const error = await refusal(assertAllowedDestination(url, policy, 'executionConfig.url'));
      expect(error.code, url).toBe('url_not_allowed');
      expect(error.message, url).toContain(reason);
      expect(error.errors, url).toEqual([{ field: 'executionConfig.url', message: expect.stringContaining(reason) }]);
    }
  });

  it('accepts a public destination, and a name that does not resolve (the fetch checks again)', async () => {
    const policy = { allowPrivateNetwork: false, resolve };
    expect((await assertAllowedDestination('https://shop.public.test/orders', policy)).href).toBe('https://shop.public.test/orders');
    expect((await assertAllowedDestination('https://not-yet.example.test/', policy)).hostname).toBe('not-yet.example.test');
  });

  it('with private networks allowed, accepts private and loopback but never cloud metadata', async () => {
    const policy = { allowPrivateNetwork: true, resolve };
    expect((await assertAllowedDestination('http://db.internal.test/', policy)).hostname).toBe('db.internal.test');
    expect((await assertAllowedDestination('http://localhost:8080/', policy)).hostname).toBe('localhost');
    for (const [url, reason] of METADATA) {
      const error = await refusal(assertAllowedDestination(url, policy));
      expect(error.code, url).toBe('url_not_allowed');
      expect(error.message, url).toContain(reason);
    }
  });
});

describe('safeFetch with private networks allowed', () => {
  const local = { allowPrivateNetwork: true, maxBytes: 100_000, timeoutMs: 5000, resolve };

  it.each(METADATA)('refuses a redirect hop to %s', async (location, reason) => {
    const start = await redirectingServer(location);
    const error = await refusal(safeFetch(start.url, local));
    expect(error.code).toBe('url_not_allowed');
    expect(error.message).toContain(reason);
    expect(start.hits()).toBe(1);
  });

  it('refuses a metadata address asked for directly', async () => {
    const error = await refusal(safeFetch('http://169.254.169.254/latest/meta-data/', local));
    expect(error.code).toBe('url_not_allowed');
  });
});
