/**
 * The embedded default carrier: a fixed, fictional stock that works offline. Every listed area
 * code and toll-free prefix offers the lines NXX-555-0100 to NXX-555-0199 (the range set aside for
 * fiction, so no real phone ever rings), with capabilities derived from the digits. Orders and
 * releases change nothing here: what this deployment owns is kept by the numbers store.
 */
import { phoneNumbers } from '../phone-numbers.ts';
import { FlowyteError } from '../../errors.ts';
import { AREA_CODES, TOLL_FREE_PREFIXES, areaCodeInfo, isTollFreePrefix } from './area-codes.ts';
import type { Carrier, CarrierNumber, NumberFeature, NumberQuery } from './carrier.ts';

const FIRST_LINE = 100;
const LAST_LINE = 199;

/**
 * Capabilities by the last two digits, in bands: voice always; 00-49 also text and picture
 * messages, 50-79 text, 80-89 fax, 90-99 voice only.
 */
function sandboxFeatures(e164: string): NumberFeature[] {
  const band = Number(e164.slice(-2));
  if (band < 50) return ['voice', 'sms', 'mms'];
  if (band < 80) return ['voice', 'sms'];
  if (band < 90) return ['voice', 'fax'];
  return ['voice'];
}

/** A North American number as the directory knows it. */
function describe(e164: string): CarrierNumber {
  const areaCode = e164.slice(2, 5);
  const listed = areaCodeInfo(areaCode);
  return {
    e164,
    numberType: isTollFreePrefix(areaCode) ? 'toll_free' : 'local',
    areaCode,
    locality: listed?.locality ?? null,
    administrativeArea: listed?.administrativeArea ?? null,
    features: sandboxFeatures(e164),
  };
}

function buildStock(): CarrierNumber[] {
  const prefixes = [...AREA_CODES.map((entry) => entry.areaCode), ...TOLL_FREE_PREFIXES];
  const stock: CarrierNumber[] = [];
  for (const prefix of prefixes) {
    for (let line = FIRST_LINE; line <= LAST_LINE; line += 1) stock.push(describe(`+1${prefix}555${String(line).padStart(4, '0')}`));
  }
  return stock.sort((a, b) => a.e164.localeCompare(b.e164));
}

const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim();

/** Whether a number in stock satisfies every given field of the query. */
function matches(number: CarrierNumber, query: NumberQuery): boolean {
  const national = number.e164.slice(2);
  return (
    (query.areaCode === undefined || number.areaCode === query.areaCode) &&
    (query.locality === undefined || (number.locality !== null && fold(number.locality) === fold(query.locality))) &&
    (query.administrativeArea === undefined || number.administrativeArea === query.administrativeArea.toUpperCase()) &&
    (query.numberType === undefined || number.numberType === query.numberType) &&
    (query.features ?? []).every((feature) => number.features.includes(feature)) &&
    (query.contains === undefined || national.includes(query.contains)) &&
    (query.endsWith === undefined || national.endsWith(query.endsWith))
  );
}

export class SandboxCarrier implements Carrier {
  readonly name = 'sandbox';
  readonly simulatesCalls = true;
  private readonly stock = buildStock();
  private readonly byE164 = new Map(this.stock.map((number) => [number.e164, number]));

  async search(query: NumberQuery, page: { after?: string; limit: number }): Promise<CarrierNumber[]> {
    const found: CarrierNumber[] = [];
    for (const number of this.stock) {
      if (page.after !== undefined && number.e164 <= page.after) continue;
      if (!matches(number, query)) continue;
      found.push(number);
      if (found.length === page.limit) break;
    }
    return found;
  }

  async lookup(e164: string): Promise<CarrierNumber | null> {
    return this.byE164.get(e164) ?? null;
  }

  async purchase(): Promise<void> {}

  async release(): Promise<void> {}

  /** Any valid North American number can be brought over; the sandbox has no account to check it against. */
  async verifyImport(e164: string): Promise<CarrierNumber> {
    const parsed = phoneNumbers().parsePhoneNumberFromString(e164);
    if (!parsed?.isValid() || parsed.countryCallingCode !== '1') {
      throw new FlowyteError('unprocessable', `the sandbox carrier routes North American (+1) numbers only, not ${e164}`, {
        errors: [{ field: 'e164', message: 'must be a +1 number on the sandbox carrier' }],
      });
    }
    return this.byE164.get(parsed.number) ?? describe(parsed.number);
  }
}
