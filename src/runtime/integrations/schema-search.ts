/** Ranked keyword search over a discovered schema's objects and fields, with badges for what a field holds. */
import { isPaymentCard, isPersonal } from './sensitivity.ts';
import type { NormalizedSchema, SchemaField, SchemaObject } from './schema.ts';

export type Badge = 'core' | 'pii' | 'payment_card';

export interface SchemaHit {
  object: string;
  /** Null when the hit is the object itself. */
  field: string | null;
  type: string | null;
  target: string | null;
  badges: Badge[];
  score: number;
}

/** Lowercase words of a name or text: snake_case, camelCase and plural endings folded. */
export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((word) => (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word));
}

export function badgesOf(field: Pick<SchemaField, 'name' | 'required' | 'unique' | 'indexed'>): Badge[] {
  const badges: Badge[] = [];
  if (field.unique || field.indexed || field.required) badges.push('core');
  if (isPersonal(field.name)) badges.push('pii');
  if (isPaymentCard(field.name)) badges.push('payment_card');
  return badges;
}

/** How well `terms` match a name (3 per whole word, 1 per prefix) and its description (1 per word). */
function score(terms: string[], name: string, description: string | undefined): number {
  const nameWords = words(name);
  const describedWords = new Set(words(description ?? ''));
  let total = 0;
  for (const term of terms) {
    if (nameWords.includes(term)) total += 3;
    else if (nameWords.some((word) => word.startsWith(term) || term.startsWith(word))) total += 1;
    if (describedWords.has(term)) total += 1;
  }
  return total;
}

/** Hits for `q`, most relevant first: a field scores its own match plus half its object's. */
export function searchSchema(schema: NormalizedSchema, q: string, limit: number): SchemaHit[] {
  const terms = [...new Set(words(q))];
  if (terms.length === 0) return [];
  const hits: SchemaHit[] = [];
  for (const object of schema.objects) {
    const objectScore = score(terms, object.name, object.description);
    if (objectScore > 0) hits.push({ object: object.name, field: null, type: null, target: null, badges: [], score: objectScore });
    for (const field of object.fields) {
      const fieldScore = score(terms, field.name, field.description);
      if (fieldScore === 0) continue;
      hits.push({ object: object.name, field: field.name, type: field.type, target: field.target ?? null, badges: badgesOf(field), score: fieldScore + objectScore / 2 });
    }
  }
  return hits.sort((a, b) => b.score - a.score || a.object.localeCompare(b.object) || (a.field ?? '').localeCompare(b.field ?? '')).slice(0, limit);
}

/** One object's counts, for browsing. */
export function objectSummary(schema: NormalizedSchema, object: SchemaObject) {
  return {
    name: object.name,
    description: object.description ?? null,
    capabilities: object.capabilities,
    recordCount: object.recordCount ?? null,
    fieldCount: object.fields.length,
    relationshipCount: schema.relationships.filter((edge) => edge.from === object.name || edge.to === object.name).length,
    operationCount: schema.operations.filter((operation) => operation.object === object.name).length,
  };
}
