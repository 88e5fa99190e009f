/** libphonenumber-js, loaded on the first phone number: its metadata is slow to load at start-up. */
import type * as PhoneNumbers from 'libphonenumber-js';
import { lazyRequire } from '../lazy-require.ts';

export const phoneNumbers = lazyRequire<typeof PhoneNumbers>('libphonenumber-js');
