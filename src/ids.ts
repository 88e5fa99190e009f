/** Prefixed, time-sortable ids (`agt_01j…`): a ULID under a type prefix, so ids also order cursors. */
import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

export const ID_PREFIXES = {
  org: 'org',
  user: 'usr',
  apiKey: 'key',
  session: 'sess',
  agent: 'agt',
  agentVersion: 'agv',
  audit: 'aud',
  publishableKey: 'pk',
  confirmation: 'cfm',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/** A new id of the given kind. Ids made later sort after ids made earlier. */
export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${nextUlid().toLowerCase()}`;
}
