/**
 * What the numbers area needs from a telephone carrier: its stock of numbers for sale, ordering
 * and giving back a number, and checking a number an org brings from its own carrier account.
 * Who owns what in this deployment is not the carrier's business: the numbers store keeps that.
 */
import type { Config } from '../../config.ts';
import type { NumberType } from '../billing/prices.ts';
import { SandboxCarrier } from './sandbox-carrier.ts';

export const NUMBER_FEATURES = ['voice', 'sms', 'mms', 'fax'] as const;
export type NumberFeature = (typeof NUMBER_FEATURES)[number];

/** A line as the carrier describes it. */
export interface CarrierNumber {
  e164: string;
  numberType: NumberType;
  /** The first three national digits (North America); null where the plan has no area codes. */
  areaCode: string | null;
  locality: string | null;
  /** State or province, as its two-letter code. */
  administrativeArea: string | null;
  features: NumberFeature[];
}

/** What to look for in stock; every given field narrows. */
export interface NumberQuery {
  areaCode?: string;
  locality?: string;
  administrativeArea?: string;
  numberType?: NumberType;
  /** Every one of these is required. */
  features?: NumberFeature[];
  /** Digits (keypad letters already turned into digits) somewhere in the national number. */
  contains?: string;
  /** Digits the national number ends with. */
  endsWith?: string;
}

export interface Carrier {
  /** The opaque label numbers carry as their `provider`. */
  readonly name: string;
  /** Whether inbound calls can be simulated through the API (the sandbox only). */
  readonly simulatesCalls: boolean;
  /** Numbers in stock matching the query, in e164 order, strictly after `after`. */
  search(query: NumberQuery, page: { after?: string; limit: number }): Promise<CarrierNumber[]>;
  /** One number in stock, or null when the carrier does not offer it. */
  lookup(e164: string): Promise<CarrierNumber | null>;
  /** Order a number from stock for this deployment. */
  purchase(e164: string): Promise<void>;
  /** Give a number back to the carrier. */
  release(e164: string): Promise<void>;
  /** Check that a number the org holds elsewhere can be routed here, and describe it; throws when not. */
  verifyImport(e164: string): Promise<CarrierNumber>;
}

/** The carrier the configuration names. */
export function createCarrier(config: Pick<Config, 'carrier'>): Carrier {
  switch (config.carrier) {
    case 'sandbox':
      return new SandboxCarrier();
  }
}
