/** Which fields hold personal or payment-card data, judged by their names. */

const PAYMENT_CARD = /(^|_)(card|cc|pan|cvv|cvc|card_?number|card_?last_?4|last_?4|expiry|exp_(month|year))($|_)/i;
const PERSONAL =
  /(^|_)(e_?mail|phone|mobile|cell|ssn|social_security|tax_id|dob|birth_?date|date_of_birth|address|street|zip|postal_?code|first_?name|last_?name|full_?name|name|passport|license|ip_?address|password|secret|token)($|_)/i;

/** Split camelCase into snake_case so that one pattern reads both. */
const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

export function isPaymentCard(fieldName: string): boolean {
  return PAYMENT_CARD.test(snake(fieldName));
}

export function isPersonal(fieldName: string): boolean {
  return PERSONAL.test(snake(fieldName));
}

/** Sensitive: personal or payment-card data. */
export function isSensitive(fieldName: string): boolean {
  return isPaymentCard(fieldName) || isPersonal(fieldName);
}
