/** Prefixed, time-sortable ids (`agt_01j…`): a ULID under a type prefix, so ids also order cursors. */
import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';

// ulid's default source asks the OS for randomness once per character; draw from a pool instead.
let pool = randomBytes(4096);
let offset = 0;
function pooledRandom(): number {
  if (offset >= pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  return pool[offset++] / 256;
}

const nextUlid = monotonicFactory(pooledRandom);

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
  file: 'file',
  knowledgeSource: 'ks',
  job: 'job',
  event: 'evt',
  conversation: 'conv',
  message: 'msg',
  usage: 'use',
  skill: 'skl',
  outboxMessage: 'obx',
  playbook: 'pbk',
  guardrail: 'grd',
  verification: 'cvf',
  knowledgeGap: 'gap',
  probeRun: 'prb',
  probeScenario: 'psc',
  webhookEndpoint: 'whep',
  webhookDelivery: 'whmsg',
  ledgerEntry: 'led',
  payment: 'pay',
  phoneNumber: 'num',
  numberReservation: 'rsv',
  invoice: 'inv',
  assistThread: 'ath',
  assistAction: 'act',
  instance: 'inst',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/** A new id of the given kind. Ids made later sort after ids made earlier. */
export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${nextUlid().toLowerCase()}`;
}
