/**
 * A phrase ("calm older british woman for support") to catalog facets, by the configured model:
 * it may only pick values the catalog has, and anything else it says is dropped. Callers fall back
 * to their offline matcher when no model is configured or the model fails.
 */
import { generateText } from 'ai';
import type { LanguageModelV3 } from '@ai-sdk/provider';

export async function facetsByModel(
  model: LanguageModelV3,
  phrase: string,
  allowed: Record<string, string[]>,
  signal?: AbortSignal,
): Promise<Record<string, string>> {
  const { text } = await generateText({
    model,
    abortSignal: signal,
    // The offline matcher is the fallback: no time spent retrying.
    maxRetries: 0,
    system:
      'Map the request to catalog filters. Answer with one JSON object only, no prose: keys are facet names, values are exactly one of the allowed values for that facet. Leave out facets the request does not imply.',
    prompt: `Allowed values per facet: ${JSON.stringify(allowed)}\nRequest: ${JSON.stringify(phrase)}`,
  });
  const json = /\{[\s\S]*\}/.exec(text)?.[0];
  if (!json) return {};
  const picked = JSON.parse(json) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(picked).filter(([facet, value]) => typeof value === 'string' && allowed[facet]?.includes(value))) as Record<string, string>;
}
