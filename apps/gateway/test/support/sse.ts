/** Parses an SSE body into events, failing the test on any frame that is not valid SSE + JSON. */
export interface SseEvent {
  event: string;
  data: string;
  json: unknown;
}

export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split('\n\n')) {
    if (block.trim() === '') continue;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
      else throw new Error(`Not an SSE line: ${JSON.stringify(line)}`);
    }
    const joined = data.join('\n');
    events.push({ event, data: joined, json: joined === '[DONE]' ? null : (JSON.parse(joined) as unknown) });
  }
  if (!text.endsWith('\n\n')) throw new Error('SSE body does not end with a blank line');
  return events;
}
