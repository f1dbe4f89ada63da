import { exports } from 'cloudflare:workers';
import { expect } from 'vitest';
import { expectValid, expectValidEvent } from '../support/openai-spec/index.ts';
import { parseSse, type SseEvent } from '../support/sse.ts';

/** Calls the gateway Worker itself (the demo tenants of the real registry) on a /v1 path. */
export function gateway(path: string, init: { key: string; method?: string; body?: unknown; raw?: string }) {
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  return exports.default.fetch(`http://127.0.0.1:8787${path}`, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${init.key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body }),
  });
}

export const TERMINAL = ['response.completed', 'response.incomplete', 'response.failed', 'error'];

export interface StreamedEvent {
  type: string;
  sequence_number: number;
  [field: string]: unknown;
}

/**
 * A Responses stream, checked against the API's rules: every frame is SSE with an `event:` line
 * equal to its `type`, every event is a valid `ResponseStreamEvent`, sequence numbers count up
 * from 0, and exactly one terminal event ends it.
 */
export function responseStream(text: string): StreamedEvent[] {
  const events = parseSse(text).map((event: SseEvent) => {
    const json = event.json as StreamedEvent;
    expect(event.event).toBe(json.type);
    expectValidEvent('responses', 'ResponseStreamEvent', json);
    return json;
  });
  expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
  expect(events.filter((event) => TERMINAL.includes(event.type))).toHaveLength(1);
  expect(TERMINAL).toContain(events.at(-1)?.type);
  return events;
}

export const ACME = 'gwk_demo_acme';
export const GLOBEX = 'gwk_demo_globex';

export interface ResponseJson {
  id: string;
  status: string;
  model: string;
  output: {
    type: string;
    id: string;
    status: string;
    content?: { text: string }[];
    call_id?: string;
    name?: string;
  }[];
  usage: { input_tokens: number; output_tokens: number; total_tokens: number };
  error: { code: string; message: string } | null;
}
export interface ErrorJson {
  error: { type: string; code: string; param: string | null; message: string };
}

export const textOf = (response: ResponseJson) =>
  response.output
    .flatMap((item) => item.content ?? [])
    .map((part) => part.text)
    .join('');

/** Sends a request (checked against OpenAI's `CreateResponse` first) to the gateway Worker. */
export async function create(key: string, body: Record<string, unknown>) {
  expectValid('responses', 'CreateResponse', body);
  return gateway('/v1/responses', { key, body });
}
