/**
 * Tool results: structured data plus the same JSON as text; domain failures as isError results
 * whose only content is the problem document as JSON text.
 */
import type { CallToolResult, InputRequiredResult } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import { FlowyteError, toProblem } from '../errors.ts';
import { fieldErrors } from '../tools/invoke.ts';

export type ToolCallResult = CallToolResult | InputRequiredResult;

export function success(data: unknown): CallToolResult {
  return { structuredContent: data as Record<string, unknown>, content: [{ type: 'text', text: JSON.stringify(data) }] };
}

/**
 * A domain failure carrying the problem document, which the model can read and correct. Text only:
 * structuredContent must conform to the tool's outputSchema (clients such as SDK 1.x reject the
 * whole result otherwise), and a problem document never does.
 */
export function failure(error: unknown): { result: CallToolResult; status: number } {
  const problem = toProblem(error);
  return { result: { isError: true, content: [{ type: 'text', text: JSON.stringify(problem) }] }, status: problem.status };
}

export function invalidArguments(error: z.ZodError): FlowyteError {
  const errors = fieldErrors(error);
  return new FlowyteError('validation_error', errors.map((item) => `${item.field} ${item.message}`).join('; '), { errors });
}
