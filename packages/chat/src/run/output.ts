import type { ToolCall } from '@aigw/ai';

/**
 * The answer's text between the model and the client (`@aigw/guardrails`' stream guard). What it
 * throws ends the answer like a failure of the model, with what was used still accounted.
 */
export interface OutputFilter {
  /** What may be delivered now: '' while text is held back. */
  push(text: string): string;
  /** The end of a model step: whatever was held back. */
  flush(): Promise<string>;
  /** A whole piece of output at once (the arguments of a call to the client's tools). */
  whole(text: string): Promise<string>;
}

/** Client tool calls with their arguments through the output filter. */
export async function filteredCalls(filter: OutputFilter, calls: ToolCall[]): Promise<ToolCall[]> {
  return Promise.all(calls.map(async (call) => ({ ...call, arguments: await filter.whole(call.arguments) })));
}
