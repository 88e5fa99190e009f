/**
 * Greetings, thanks, goodbyes and "are you a bot?" — recognised only when the utterance is
 * essentially just that, so "hi, where is my order?" stays a question.
 */
import { words } from '../../knowledge/embedder.ts';
import type { LocalModelOptions } from './prompt.ts';

export type SmallTalkKind = 'greeting' | 'thanks' | 'goodbye' | 'identity';

const toSet = (list: string) => new Set(list.split(' '));

// Each kind: words that make it that kind, and words that may accompany them.
const GREETING_CORE = toSet('hi hello hey hiya howdy greetings morning afternoon evening yo');
const GREETING_FILLER = toSet('there good everyone all how are you doing is it going s today ok okay oh');
const THANKS_CORE = toSet('thanks thank thx ty cheers appreciate appreciated');
const THANKS_FILLER = toSet('you so much very a lot ok okay great perfect awesome that s is was it helpful wonderful many i really good oh alright');
const GOODBYE_CORE = toSet('bye goodbye byebye cya farewell');
const GOODBYE_FILLER = toSet(
  'no thanks thank you ok okay great for now that s all is it have a good nice great day one night evening see later take care then alright will be i m done',
);
// Phrases that close a conversation without saying "bye".
const GOODBYE_PHRASE = /\b(?:that s all|that is all|that s it|that will be all|i m done|see you|take care|have a (?:good|nice|great) (?:day|one|night|evening))\b/;
const IDENTITY = /^(?:are you (?:a |an )?(?:bot|robot|ai|human|real|real person|person|machine|computer)|am i (?:talking|speaking|chatting) (?:to|with) (?:a |an )?(?:bot|robot|ai|human|real person|person|machine|computer)|who are you|what are you|is this (?:a |an )?(?:bot|robot|ai|recording|machine|real person))$/;

function only(tokens: string[], core: ReadonlySet<string>, filler: ReadonlySet<string>, extra: ReadonlySet<string>): boolean {
  let hasCore = false;
  for (const token of tokens) {
    if (core.has(token)) hasCore = true;
    else if (!filler.has(token) && !extra.has(token)) return false;
  }
  return hasCore;
}

/** What kind of small talk the utterance is, if it is only small talk. */
export function smallTalkKind(text: string, agentName?: string): SmallTalkKind | undefined {
  const tokens = words(text);
  if (tokens.length === 0 || tokens.length > 12) return undefined;
  const normalised = tokens.join(' ');
  // "Hi Ava", "thanks Ava": the agent's own name is allowed alongside.
  const name = new Set(agentName ? words(agentName) : []);
  if (IDENTITY.test(normalised)) return 'identity';
  const closing = GOODBYE_PHRASE.test(normalised);
  if (only(tokens, GOODBYE_CORE, GOODBYE_FILLER, name) || (closing && only(['bye', ...tokens], GOODBYE_CORE, GOODBYE_FILLER, name))) {
    return 'goodbye';
  }
  if (only(tokens, THANKS_CORE, THANKS_FILLER, name)) return 'thanks';
  if (only(tokens, GREETING_CORE, GREETING_FILLER, name)) return 'greeting';
  return undefined;
}

/** The reply to one kind of small talk. */
export function smallTalkReply(kind: SmallTalkKind, options: LocalModelOptions): string {
  switch (kind) {
    case 'greeting':
      return options.greeting ?? (options.agentName ? `Hello! This is ${options.agentName}. How can I help you today?` : 'Hello! How can I help you today?');
    case 'thanks':
      return "You're welcome! Is there anything else I can help with?";
    case 'goodbye':
      return 'Thank you for getting in touch. Goodbye!';
    case 'identity':
      // Honest about what answers: a small offline model, not a person and not a large model.
      return `I'm ${options.agentName ?? 'an automated assistant'}, running on a small offline model: I can answer from this business's information, help with a few tasks, or take a message for the team.`;
  }
}
