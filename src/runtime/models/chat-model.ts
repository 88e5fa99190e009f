/**
 * The language model the runtime talks to, chosen by configuration: the embedded local model, or
 * any server speaking OpenAI's chat-completions protocol.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { Config } from '../../config.ts';
import { LocalModel } from './local-model.ts';

/** Build the configured chat model: `LocalModel` offline, else an OpenAI-compatible chat model. */
export function createChatModel(config: Config['model']): LanguageModelV3 {
  if (config.provider === 'local') return new LocalModel();
  // One adapter covers OpenAI itself and every compatible server (Ollama, vLLM, llama.cpp, LM Studio).
  const provider = createOpenAICompatible({
    name: 'openai-compatible',
    baseURL: config.baseUrl,
    apiKey: config.apiKey,
    // Asks for stream_options.include_usage, without which streamed turns report no token counts.
    includeUsage: true,
  });
  return provider.chatModel(config.name);
}

const built = new WeakMap<Config['model'], LanguageModelV3>();

/** The configured chat model, built once per configuration (for the copilot and the model-assisted matchers). */
export function chatModelFor(config: Config['model']): LanguageModelV3 {
  let model = built.get(config);
  if (!model) built.set(config, (model = createChatModel(config)));
  return model;
}
