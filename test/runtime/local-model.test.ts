import { generateText, jsonSchema, stepCountIs, streamText, tool, type ModelMessage, type ToolSet } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LocalModel } from '../../src/runtime/models/local-model.ts';
import { dateReference, extractDateMention } from '../../src/runtime/models/extract/dates.ts';
import {
  extractAddress,
  extractEmail,
  extractName,
  extractNumber,
  extractOrderId,
  extractPhone,
  extractZip,
} from '../../src/runtime/models/extract/entities.ts';
import { fieldSpecs } from '../../src/runtime/models/extract/fields.ts';
import { contentStems, splitSentences, stem } from '../../src/runtime/models/extract/text.ts';

const model = new LocalModel();
// A Monday: "Friday" is 2025-03-14, "next Monday" 2025-03-17.
const providerOptions = { flowyte: { now: '2025-03-10T12:00:00Z' } };
const DEFAULT_FALLBACK = "I'm sorry, I don't have that information. I can take a message or connect you with someone who can help.";

const PASSAGES = [
  {
    text: '## Opening hours\nWe are open Monday to Friday, 8am to 6pm. On Saturdays we are open from 9am to 1pm. We are closed on Sundays and public holidays.',
    sourceId: 'ks_hours',
    score: 0.58,
  },
  { text: '## Parking\n- Free parking is available behind the building.', sourceId: 'ks_parking', score: 0.31 },
];

type Passage = (typeof PASSAGES)[number];

/** The knowledge tool as the engine defines it, recording the queries it gets. */
function knowledgeTool(passages: Passage[], queries: string[] = []) {
  return tool({
    description: "Search the business's knowledge base for passages that answer a question.",
    inputSchema: z.object({ query: z.string().describe('The question, in plain words.') }),
    execute: async ({ query }) => {
      queries.push(query);
      return { passages };
    },
  });
}

/** Skills with recorded inputs: one declared with a raw JSON Schema, the others with zod. */
function skillTools(calls: { name: string; input: unknown }[] = []): ToolSet {
  return {
    book_appointment: tool({
      description: 'Book an appointment at the clinic for a patient.',
      inputSchema: jsonSchema<{ name: string; phone: string; email?: string; date: string; time?: string }>({
        type: 'object',
        properties: {
          name: { type: 'string', description: "The patient's full name" },
          phone: { type: 'string', description: 'Phone number to confirm the booking' },
          email: { type: 'string', format: 'email', description: 'Email for the confirmation' },
          date: { type: 'string', format: 'date', description: 'Day of the appointment' },
          time: { type: 'string', description: 'Time of the appointment, HH:MM' },
        },
        required: ['name', 'phone', 'date'],
      }),
      execute: async (input) => {
        calls.push({ name: 'book_appointment', input });
        return { message: `You're booked for ${input.date}.` };
      },
    }),
    check_order_status: tool({
      description: 'Look up the status of an order by its order number.',
      inputSchema: z.object({
        order_id: z.string().describe('The order number'),
        zip_code: z.string().optional().describe('Delivery ZIP code'),
      }),
      execute: async (input) => {
        calls.push({ name: 'check_order_status', input });
        return { status: 'shipped', eta: 'Friday' };
      },
    }),
    take_message: tool({
      description: 'Take a message for the staff.',
      inputSchema: z.object({ name: z.string().describe('Caller name'), message: z.string().describe('The message') }),
      execute: async (): Promise<{ messageId: string }> => {
        throw new Error('message inbox unavailable');
      },
    }),
  };
}

const toolCallsOf = (steps: { toolCalls: { toolName: string; input: unknown }[] }[]) =>
  steps.flatMap((step) => step.toolCalls.map((call) => ({ toolName: call.toolName, input: call.input })));

describe('LocalModel › knowledge', () => {
  it('calls search_knowledge with the question, then answers with the best-matching sentence only', async () => {
    const queries: string[] = [];
    const result = await generateText({
      model,
      tools: { search_knowledge: knowledgeTool(PASSAGES, queries), ...skillTools() },
      prompt: 'Are you open on Sundays?',
      stopWhen: stepCountIs(4),
      providerOptions,
    });
    expect(queries).toEqual(['Are you open on Sundays?']);
    expect(result.text).toBe('We are closed on Sundays and public holidays.');
    expect(result.steps).toHaveLength(2);
    expect(result.providerMetadata).toEqual({ flowyte: { decision: 'knowledge_answer' } });
  });

  it('uses the section heading as context and strips list markers', async () => {
    const result = await generateText({
      model,
      tools: { search_knowledge: knowledgeTool(PASSAGES) },
      prompt: 'Is there parking?',
      stopWhen: stepCountIs(4),
    });
    expect(result.text).toBe('Free parking is available behind the building.');
  });

  it('answers an FAQ passage with the answer that follows the matching question', async () => {
    const faq = [{ text: 'Q: Do you accept insurance?\nA: Yes. We accept Delta Dental and Aetna plans.', sourceId: 'ks_faq', score: 0.44 }];
    const result = await generateText({ model, tools: { search_knowledge: knowledgeTool(faq) }, prompt: 'Do you accept insurance?', stopWhen: stepCountIs(4) });
    expect(result.text).toBe('Yes. We accept Delta Dental and Aetna plans.');
  });

  it('falls back when search_knowledge finds no passage', async () => {
    const result = await generateText({ model, tools: { search_knowledge: knowledgeTool([]) }, prompt: 'What is your refund policy?', stopWhen: stepCountIs(4) });
    expect(result.text).toBe(DEFAULT_FALLBACK);
    expect(result.providerMetadata).toEqual({ flowyte: { decision: 'fallback' } });
  });

  it('falls back, with the configured text, when no passage shares a word with the question', async () => {
    const fallback = 'I will ask a colleague to call you back.';
    const result = await generateText({
      model,
      tools: { search_knowledge: knowledgeTool(PASSAGES) },
      prompt: 'Do you sell gift cards?',
      stopWhen: stepCountIs(4),
      providerOptions: { flowyte: { fallback } },
    });
    expect(toolCallsOf(result.steps)).toEqual([{ toolName: 'search_knowledge', input: { query: 'Do you sell gift cards?' } }]);
    expect(result.text).toBe(fallback);
  });

  it('falls back without any tool when there is no knowledge and no matching skill', async () => {
    const result = await generateText({ model, prompt: 'What is the meaning of life?', stopWhen: stepCountIs(4) });
    expect(result.text).toBe(DEFAULT_FALLBACK);
  });
});

describe('LocalModel › small talk', () => {
  it('greets a pure greeting with the configured greeting, and no tool call', async () => {
    const result = await generateText({
      model,
      tools: { search_knowledge: knowledgeTool(PASSAGES), ...skillTools() },
      prompt: 'Hello there!',
      providerOptions: { flowyte: { greeting: 'Hi, this is Ava at Smile Dental. How can I help?' } },
    });
    expect(result.text).toBe('Hi, this is Ava at Smile Dental. How can I help?');
    expect(result.toolCalls).toEqual([]);
  });

  it('uses the default greeting, thanks and goodbye replies', async () => {
    const reply = async (prompt: string) => (await generateText({ model, prompt })).text;
    expect(await reply('good morning')).toBe('Hello! How can I help you today?');
    expect(await reply('Thank you so much!')).toBe("You're welcome! Is there anything else I can help with?");
    expect(await reply("no thanks, that's all")).toBe('Thank you for getting in touch. Goodbye!');
  });

  it('treats a greeting followed by a question as a question', async () => {
    const result = await generateText({
      model,
      tools: { search_knowledge: knowledgeTool(PASSAGES) },
      prompt: 'Hi! What time do you open on Saturday?',
      stopWhen: stepCountIs(4),
    });
    expect(result.text).toBe('On Saturdays we are open from 9am to 1pm.');
  });
});

describe('LocalModel › skills', () => {
  it('chooses the skill by similarity and extracts name, phone, email, date and time into its input', async () => {
    const calls: { name: string; input: unknown }[] = [];
    const result = await generateText({
      model,
      tools: { search_knowledge: knowledgeTool(PASSAGES), ...skillTools(calls) },
      prompt: "Hi, I'd like to book an appointment for Friday at 10:30am. My name is Ana Silva, phone (415) 555-2671, email Ana.Silva@Example.com",
      stopWhen: stepCountIs(4),
      providerOptions,
    });
    expect(calls).toEqual([
      {
        name: 'book_appointment',
        input: { name: 'Ana Silva', phone: '+14155552671', email: 'ana.silva@example.com', date: '2025-03-14', time: '10:30' },
      },
    ]);
    expect(result.text).toBe("You're booked for 2025-03-14.");
  });

  it('extracts an order id and a ZIP code, and confirms with the result fields', async () => {
    const calls: { name: string; input: unknown }[] = [];
    const result = await generateText({
      model,
      tools: { search_knowledge: knowledgeTool(PASSAGES), ...skillTools(calls) },
      prompt: "Where's my order #B-20417? It ships to 94103.",
      stopWhen: stepCountIs(4),
    });
    expect(calls).toEqual([{ name: 'check_order_status', input: { order_id: 'B-20417', zip_code: '94103' } }]);
    expect(result.text).toBe('Done. status: shipped, eta: Friday.');
  });

  it('asks for a missing required parameter, then completes the call on the next turns', async () => {
    const calls: { name: string; input: unknown }[] = [];
    const tools = { search_knowledge: knowledgeTool(PASSAGES), ...skillTools(calls) };
    const messages: ModelMessage[] = [];
    const say = async (text: string) => {
      messages.push({ role: 'user', content: text });
      const result = await generateText({ model, tools, messages, stopWhen: stepCountIs(4), providerOptions });
      messages.push({ role: 'assistant', content: result.text });
      return result.text;
    };
    expect(await say("I'd like to book an appointment")).toBe('Sure — I can help with that. May I have your name?');
    expect(await say("It's Ana Silva, and my number is 415-555-2671")).toBe('Thanks. What date works for you?');
    expect(calls).toEqual([]);
    expect(await say('next Monday please')).toBe("You're booked for 2025-03-17.");
    expect(calls).toEqual([{ name: 'book_appointment', input: { name: 'Ana Silva', phone: '+14155552671', date: '2025-03-17' } }]);
  });

  it('asks once more when the reply does not answer the question', async () => {
    const messages: ModelMessage[] = [
      { role: 'user', content: 'Where is my order?' },
      { role: 'assistant', content: 'Sure — I can help with that. What is your order number?' },
      { role: 'user', content: 'hmm let me look' },
    ];
    const result = await generateText({ model, tools: skillTools(), messages, stopWhen: stepCountIs(4) });
    expect(result.text).toBe("Sorry, I didn't catch that. What is your order number?");
  });

  it('apologises and offers to take a message when the skill fails', async () => {
    const result = await generateText({
      model,
      tools: skillTools(),
      prompt: 'Please take a message: my name is Bob Stone, tell Dr. Lee the lab results arrived late',
      stopWhen: stepCountIs(4),
    });
    expect(toolCallsOf(result.steps)).toEqual([
      {
        toolName: 'take_message',
        input: { name: 'Bob Stone', message: 'Please take a message: my name is Bob Stone, tell Dr. Lee the lab results arrived late' },
      },
    ]);
    expect(result.text).toBe("I'm sorry, I couldn't complete that just now. I can take a message so someone can follow up.");
  });

  it('never repeats a tool call already made this turn', async () => {
    const step = await model.doGenerate({
      prompt: [
        { role: 'user', content: [{ type: 'text', text: 'Where is my order A1234?' }] },
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'check_order_status', input: { order_id: 'A1234' } }] },
      ],
      tools: [{ type: 'function', name: 'check_order_status', description: 'Look up the status of an order.', inputSchema: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] } }],
    });
    expect(step.content).toEqual([{ type: 'text', text: DEFAULT_FALLBACK }]);
    expect(step.finishReason).toEqual({ unified: 'stop', raw: 'stop' });
  });
});

describe('LocalModel › streaming and determinism', () => {
  it('streams several text deltas that concatenate to the generated text', async () => {
    const request = { model, tools: { search_knowledge: knowledgeTool(PASSAGES) }, prompt: 'Are you open on Sundays?', stopWhen: stepCountIs(4) };
    const generated = await generateText(request);
    const streamed = streamText(request);
    const deltas: string[] = [];
    const toolCalls: string[] = [];
    for await (const part of streamed.fullStream) {
      if (part.type === 'text-delta') deltas.push(part.text);
      if (part.type === 'tool-call') toolCalls.push(part.toolName);
    }
    expect(toolCalls).toEqual(['search_knowledge']);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe(generated.text);
    expect(await streamed.text).toBe('We are closed on Sundays and public holidays.');
    expect((await streamed.finishReason)).toBe('stop');
  });

  it('reports word-count usage', async () => {
    const result = await generateText({ model, prompt: 'Hello there' });
    expect(result.usage.inputTokens).toBe(2);
    expect(result.usage.outputTokens).toBe(7);
  });

  it('gives the same steps, tool call ids and text on two runs', async () => {
    const run = async () => {
      const result = await generateText({
        model,
        tools: { search_knowledge: knowledgeTool(PASSAGES), ...skillTools() },
        prompt: 'Book an appointment tomorrow at 9am. This is Ana Silva, 415-555-2671',
        stopWhen: stepCountIs(4),
        providerOptions,
      });
      return result.steps.map((step) => ({ text: step.text, calls: step.toolCalls.map(({ toolCallId, toolName, input }) => ({ toolCallId, toolName, input })) }));
    };
    const first = await run();
    expect(first[0].calls).toEqual([
      { toolCallId: expect.stringMatching(/^call_[0-9a-f]{16}$/), toolName: 'book_appointment', input: { name: 'Ana Silva', phone: '+14155552671', date: '2025-03-11', time: '09:00' } },
    ]);
    expect(await run()).toEqual(first);
  });
});

describe('extractors', () => {
  it('finds phone numbers as E.164, including fictional 555 numbers', () => {
    expect(extractPhone('call me at (415) 555-2671 tomorrow')).toBe('+14155552671');
    expect(extractPhone('my number is 555-123-4567')).toBe('+15551234567');
    expect(extractPhone('+44 20 7946 0958')).toBe('+442079460958');
    expect(extractPhone('order 55123')).toBeUndefined();
  });

  it('finds emails, order ids, ZIP codes and street addresses', () => {
    expect(extractEmail('write to Jo.Doe+x@Example.co.uk today')).toBe('jo.doe+x@example.co.uk');
    expect(extractOrderId('order 55123 please')).toBe('55123');
    expect(extractOrderId('my order number is b77x9')).toBe('B77X9');
    expect(extractOrderId('see you at 3pm on the 14th')).toBeUndefined();
    expect(extractZip('order 55123 to zip 94103')).toBe('94103');
    expect(extractZip('we are at 10001-1234')).toBe('10001-1234');
    expect(extractAddress('I live at 1200 Main St. in Springfield')).toBe('1200 Main St');
    expect(extractAddress('a table for 3 people on Main Street')).toBeUndefined();
  });

  it('finds names only when introduced, unless the text answers a name question', () => {
    expect(extractName('hi, my name is ana silva and I need help')).toBe('Ana Silva');
    expect(extractName("I'm looking for a dentist")).toBeUndefined();
    expect(extractName('john smith')).toBeUndefined();
    expect(extractName('john smith', true)).toBe('John Smith');
  });

  it('takes a number only next to a word of the field', () => {
    const [guests] = fieldSpecs({ type: 'object', properties: { guests: { type: 'integer', description: 'Number of people' } } });
    expect(guests.kind).toBe('number');
    expect(extractNumber('a table for 4 people at 7pm', guests.cues)).toBe(4);
    expect(extractNumber('on March 14 at 7pm', guests.cues)).toBeUndefined();
  });

  it('resolves relative dates and times against the reference, in its offset', () => {
    const reference = dateReference('2025-03-10T09:00:00-05:00');
    expect(extractDateMention('next Tuesday at 3pm', reference)).toEqual({ date: '2025-03-18', time: '15:00' });
    expect(extractDateMention('tomorrow', reference)).toEqual({ date: '2025-03-11' });
    expect(extractDateMention('my number is 415-555-2671', reference)).toEqual({});
  });

  it('stems, drops stopwords and splits markdown into sentences', () => {
    expect(['booking', 'booked', 'hours', 'status', 'shipping'].map(stem)).toEqual(['book', 'book', 'hour', 'status', 'ship']);
    expect(contentStems('What are your opening hours?')).toEqual(['open', 'hour']);
    expect(splitSentences('# Hours\n- Open 9 a.m. to 5 p.m. daily. Dr. Lee works Mondays.').map((sentence) => [sentence.heading, sentence.text])).toEqual([
      ['Hours', 'Open 9 a.m. to 5 p.m. daily.'],
      ['Hours', 'Dr. Lee works Mondays.'],
    ]);
  });
});
