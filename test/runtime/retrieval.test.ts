import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createServices, type Services } from '../../src/services.ts';
import { searchTerms, toFtsQuery } from '../../src/runtime/knowledge/retrieval.ts';
import { quietLogger } from '../helpers.ts';

let services: Services | undefined;
afterEach(() => services?.close());

/** An agent with `count` one-line passages; every one says "common", only the first says "rare". */
function indexWith(count: number): Services {
  services = createServices(loadConfig({ FLOWYTE_DATABASE: ':memory:' }), { logger: quietLogger });
  const org = services.credentials.bootstrapOrg('R', 'r@example.com', []);
  const agent = services.agents.create(org.org.id, { name: 'A' } as never);
  const source = services.knowledge.createSource({ orgId: org.org.id, agentId: agent.id, kind: 'text', label: 's', url: null, fileId: null, input: 'x' });
  const embedding = new Float32Array(384);
  embedding[0] = 1;
  services.knowledge.replaceChunks(
    source,
    Array.from({ length: count }, (_, position) => ({ position, headingPath: '', text: `common passage ${position}${position === 0 ? ' rare' : ''}`, embedding })),
    { status: 'indexed' },
  );
  return services;
}

describe('searchTerms', () => {
  it('keeps every word of a small index', () => {
    expect(searchTerms(indexWith(50).knowledge, 'Common RARE words')).toEqual(['common', 'rare', 'words']);
  });

  it('leaves words most passages contain out of a large index, but never every word', () => {
    const store = indexWith(1200).knowledge;
    expect(searchTerms(store, 'common rare')).toEqual(['rare']);
    expect(searchTerms(store, 'common passage')).toHaveLength(1);
  });
});

describe('toFtsQuery', () => {
  it('quotes every word, so FTS syntax is only ever words', () => {
    expect(toFtsQuery(['near', 'and', 'text'])).toBe('"near" OR "and" OR "text"');
    expect(toFtsQuery([])).toBeNull();
  });
});
