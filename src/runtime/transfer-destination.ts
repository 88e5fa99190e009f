/** Where a call can be transferred: a phone number in E.164, or a SIP URI. */
import { phoneNumbers } from './phone-numbers.ts';

/** What a transfer destination must be, as a field error says it. */
export const TRANSFER_DESTINATION_RULE = 'must be a phone number (E.164 such as +14155550100, or a 10-digit US number) or a sip: URI';

/** The destination in the form transfers use (E.164, 10-digit US numbers normalized; SIP URIs as given), or null if it is neither. */
export function transferDestinationOf(value: string): string | null {
  if (/^sips?:\S+$/.test(value)) return value;
  const parsed = phoneNumbers().parsePhoneNumberFromString(value, 'US');
  return parsed?.isPossible() ? parsed.number : null;
}
