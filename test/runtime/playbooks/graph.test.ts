import { describe, expect, it } from 'vitest';
import { placeholdersIn, validateGraph, variablesOfGraph, type GraphContext, type PlaybookGraph } from '../../../src/runtime/playbooks/graph.ts';

const context: GraphContext = {
  inputs: ['issue'],
  skills: new Map([['skl_book', { parameters: ['address', 'when'] }]]),
};

/** A booking flow: ask the address, branch on urgency, book with the skill, confirm, end. */
function booking(): PlaybookGraph {
  return {
    start: 'ask_address',
    nodes: [
      { id: 'ask_address', type: 'collect', variable: 'address', prompt: 'Where is the {issue}?' },
      { id: 'ask_urgent', type: 'collect', variable: 'urgent', prompt: 'Is water coming through?', validation: { type: 'enum', values: ['yes', 'no'] } },
      { id: 'route', type: 'branch' },
      { id: 'ask_when', type: 'collect', variable: 'when', prompt: 'When suits you?', validation: { type: 'date' } },
      { id: 'book', type: 'call_skill', skillId: 'skl_book', inputs: { address: '{address}', when: 'today' }, saveAs: 'booking' },
      { id: 'confirm', type: 'say', text: 'Booked for {address}: reference {booking.reference}.' },
      { id: 'done', type: 'end', outcome: 'booked' },
    ],
    edges: [
      { from: 'ask_address', to: 'ask_urgent' },
      { from: 'ask_urgent', to: 'route' },
      { from: 'route', to: 'book', condition: { variable: 'urgent', op: 'equals', value: 'yes' } },
      { from: 'route', to: 'ask_when' },
      { from: 'ask_when', to: 'book' },
      { from: 'book', to: 'confirm' },
      { from: 'confirm', to: 'done' },
    ],
  };
}

describe('validateGraph', () => {
  it('accepts a graph whose steps all connect and whose variables are set before use', () => {
    expect(validateGraph(booking(), context)).toEqual([]);
  });

  it('accepts variables from the inputSchema and the reserved caller variables at the first step', () => {
    const graph: PlaybookGraph = {
      start: 'hello',
      nodes: [{ id: 'hello', type: 'say', text: 'Hi {caller_name}, about the {issue}.' }, { id: 'done', type: 'end' }],
      edges: [{ from: 'hello', to: 'done' }],
    };
    expect(validateGraph(graph, context)).toEqual([]);
  });

  it('rejects a variable set on only one path into a step', () => {
    const graph = booking();
    // The urgent path skips ask_when, so {when} is not certain at confirm.
    graph.nodes[5] = { id: 'confirm', type: 'say', text: 'See you {when}.' };
    expect(validateGraph(graph, context)).toEqual([
      { field: 'nodes.5.text', message: expect.stringContaining('uses {when}, which is not set on every path to this step') },
    ]);
  });

  it('does not count a step\'s own answer as set before it asks', () => {
    const graph = booking();
    graph.nodes[0] = { id: 'ask_address', type: 'collect', variable: 'address', prompt: 'Is {address} right?' };
    expect(validateGraph(graph, context).map((error) => error.field)).toEqual(['nodes.0.prompt']);
  });

  it('accepts a loop back to an earlier step, keeping what every path into it sets', () => {
    const graph = booking();
    // Ask again when the caller says the address is wrong: address stays certain at ask_urgent.
    graph.nodes.splice(1, 0, { id: 'check', type: 'branch' });
    graph.edges.splice(0, 1, { from: 'ask_address', to: 'check' }, { from: 'check', to: 'ask_address', condition: { variable: 'address', op: 'contains', value: 'wrong' } }, { from: 'check', to: 'ask_urgent' });
    expect(validateGraph(graph, context)).toEqual([]);
  });

  it('checks a condition\'s variable at its branch', () => {
    const graph = booking();
    graph.edges[2] = { from: 'route', to: 'book', condition: { variable: 'when', op: 'exists' } };
    expect(validateGraph(graph, context).map((error) => error.field)).toEqual(['edges.2.condition.variable']);
  });

  it('leaves variables of unreachable steps to the reachability error', () => {
    const graph = booking();
    graph.nodes.push({ id: 'orphan', type: 'say', text: '{nowhere}' });
    graph.edges.push({ from: 'orphan', to: 'done' });
    expect(validateGraph(graph, context)).toEqual([{ field: 'nodes.7', message: 'is not reachable from start' }]);
  });

  it('lists every problem at once', () => {
    const graph = booking();
    graph.start = 'missing';
    graph.edges[6] = { from: 'confirm', to: 'gone' };
    expect(validateGraph(graph, context)).toEqual([
      { field: 'start', message: 'is not the id of a step' },
      { field: 'edges.6.to', message: 'is not the id of a step' },
      { field: 'nodes.5', message: expect.stringContaining('has no next step') },
    ]);
  });
});

describe('variablesOfGraph', () => {
  it('lists what each step sets and uses, a condition under its branch', () => {
    expect(variablesOfGraph(booking())).toEqual([
      { name: 'issue', role: 'referenced', field: 'prompt', nodeId: 'ask_address' },
      { name: 'address', role: 'collected', field: 'variable', nodeId: 'ask_address' },
      { name: 'urgent', role: 'collected', field: 'variable', nodeId: 'ask_urgent' },
      { name: 'when', role: 'collected', field: 'variable', nodeId: 'ask_when' },
      { name: 'address', role: 'referenced', field: 'inputs.address', nodeId: 'book' },
      { name: 'booking', role: 'skill_output', field: 'saveAs', nodeId: 'book' },
      { name: 'address', role: 'referenced', field: 'text', nodeId: 'confirm' },
      { name: 'booking', role: 'referenced', field: 'text', nodeId: 'confirm' },
      { name: 'urgent', role: 'referenced', field: 'condition.variable', nodeId: 'route' },
    ]);
  });
});

describe('placeholdersIn', () => {
  it('finds each variable once, takes the root of a dotted field, and skips braces that are not placeholders', () => {
    expect(placeholdersIn('{a} {a} {b.c.d} { x } {1x} {"json": 1}')).toEqual(['a', 'b']);
  });
});
