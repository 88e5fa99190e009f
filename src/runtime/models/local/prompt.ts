/**
 * Reading a V3 prompt into what the local model decides on: the user/assistant texts in order,
 * the tool results that end the prompt, the tool calls already made this turn, and its options.
 */
import type {
  LanguageModelV3Prompt,
  LanguageModelV3ToolResultPart,
  SharedV3ProviderOptions,
} from '@ai-sdk/provider';
import { countWords } from '../extract/text.ts';

/** `providerOptions.flowyte`, as the local model reads it. */
export interface LocalModelOptions {
  agentName?: string;
  greeting?: string;
  fallback?: string;
  /** ISO instant that relative dates ("tomorrow") resolve against. */
  now?: string;
}

/** The options the local model understands; anything else (or of another type) is ignored. */
export function localModelOptions(providerOptions: SharedV3ProviderOptions | undefined): LocalModelOptions {
  const raw = providerOptions?.flowyte;
  if (!raw) return {};
  const options: LocalModelOptions = {};
  for (const key of ['agentName', 'greeting', 'fallback', 'now'] as const) {
    const value = raw[key];
    if (typeof value === 'string' && value.trim()) options[key] = value;
  }
  return options;
}

/** A message reduced to its words. */
export interface Turn {
  role: 'user' | 'assistant';
  text: string;
}

/** What one model call sees. */
export interface PromptView {
  /** User and assistant texts, oldest first; assistant steps with only tool calls leave no turn. */
  turns: Turn[];
  lastRole: 'system' | 'user' | 'assistant' | 'tool' | undefined;
  /** The latest user message's text ('' when there is none). */
  lastUserText: string;
  /** Tool results of the tool message(s) that end the prompt. */
  trailingResults: LanguageModelV3ToolResultPart[];
  /** `toolName` + canonical input of every tool call after the latest user message. */
  callsThisTurn: Set<string>;
  /** Approximate prompt size in words. */
  inputWords: number;
}

/** A stable key for "this tool with this input", to refuse repeating a call within a turn. */
export function callKey(toolName: string, input: unknown): string {
  return `${toolName}\u0000${JSON.stringify(input)}`;
}

/** Read the prompt once, in one pass. */
export function readPrompt(prompt: LanguageModelV3Prompt): PromptView {
  const turns: Turn[] = [];
  let lastUserText = '';
  let callsThisTurn = new Set<string>();
  let trailingResults: LanguageModelV3ToolResultPart[] = [];
  let inputWords = 0;
  for (const message of prompt) {
    if (message.role === 'system') {
      inputWords += countWords(message.content);
      continue;
    }
    if (message.role === 'tool') {
      for (const part of message.content) {
        if (part.type !== 'tool-result') continue;
        trailingResults.push(part);
        inputWords += countWords(part.output.type === 'text' || part.output.type === 'error-text' ? part.output.value : JSON.stringify(part.output));
      }
      continue;
    }
    trailingResults = [];
    const texts: string[] = [];
    for (const part of message.content) {
      if (part.type === 'text') texts.push(part.text);
      else if (part.type === 'tool-call') {
        callsThisTurn.add(callKey(part.toolName, part.input));
        inputWords += countWords(JSON.stringify(part.input) ?? '');
      }
    }
    const text = texts.join(' ').trim();
    inputWords += countWords(text);
    if (message.role === 'user') {
      lastUserText = text;
      callsThisTurn = new Set();
    }
    if (text) turns.push({ role: message.role, text });
  }
  const lastRole = prompt.at(-1)?.role;
  return { turns, lastRole, lastUserText, trailingResults, callsThisTurn, inputWords };
}
