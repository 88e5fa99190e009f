/**
 * The one question the local model asks for a missing parameter. The wording depends only on
 * the field, so a later call recognises its own question and knows which field the reply answers.
 */
import type { FieldSpec } from '../extract/fields.ts';

/** Opening of the first question for a newly chosen skill. */
export const FIRST_ASK_PREFIX = 'Sure — I can help with that. ';
/** Opening when the previous answer filled a field and another one is still missing. */
export const NEXT_ASK_PREFIX = 'Thanks. ';
/** Opening when the previous answer did not contain what was asked. */
export const REPEAT_ASK_PREFIX = "Sorry, I didn't catch that. ";

const PERSONAL_NAMES = new Set(['name', 'full name', 'caller name', 'customer name', 'contact name', 'your name']);

/** "a, b or c" */
function listOf(values: string[]): string {
  return values.length <= 1 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

/** The question asking for one field, e.g. "What is the best phone number to reach you?". */
export function questionFor(field: FieldSpec): string {
  const { label, schema } = field;
  switch (field.kind) {
    case 'phone':
      return 'What is the best phone number to reach you?';
    case 'email':
      return 'What is your email address?';
    case 'zip':
      return 'What is your ZIP code?';
    case 'name':
      return PERSONAL_NAMES.has(label) ? 'May I have your name?' : `May I have the ${label}?`;
    case 'order_id':
      return `What is your ${label.replace(/\bid\b/, 'number')}?`;
    case 'date':
      return /\b(?:birth|dob|birthday)\b/.test(label) ? 'What is your date of birth?' : `What ${label} works for you?`;
    case 'time':
      return `What ${label} works for you?`;
    case 'datetime':
      return 'What date and time work for you?';
    case 'number':
      return label.startsWith('number of ') ? `How many ${label.slice('number of '.length)}?` : `What is the ${label}?`;
    case 'enum': {
      const values = (schema.enum ?? []).map((value) => value.replace(/[_-]+/g, ' '));
      return `Which ${label} would you like: ${listOf(values)}?`;
    }
    case 'boolean': {
      const description = schema.description?.trim().replace(/[.?]$/, '');
      return `${description ?? label} — yes or no?`;
    }
    case 'free_text':
      return /^(?:message|notes?)$/.test(label) ? 'What message would you like me to pass on?' : `Could you tell me the ${label}?`;
    case 'address':
      return `What is the ${label}?`;
    case 'string':
      return /\b(?:number|code|account|id)\b/.test(label) ? `What is your ${label}?` : `What ${label} would you like?`;
  }
}
