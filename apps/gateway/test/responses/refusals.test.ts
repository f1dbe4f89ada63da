import { describe, expect, it } from 'vitest';
import { chatApp } from '../support/chat-app.ts';
import { expectValid } from '../support/openai-spec/index.ts';
import { ACME, gateway, responseStream, textOf, type ErrorJson, type ResponseJson } from './support.ts';

describe('refusals', () => {
  const refused = async (key: string, body: unknown) => {
    const res = await gateway('/v1/responses', { key, body });
    const json = await res.json<ErrorJson>();
    expectValid('responses', 'ErrorResponse', json);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    return { status: res.status, error: json.error };
  };

  it('refuses bad JSON and bad types with 400 invalid_request naming the param', async () => {
    const bad = await gateway('/v1/responses', { key: ACME, raw: '{"model":' });
    expect(bad.status).toBe(400);
    expect((await bad.json<ErrorJson>()).error.code).toBe('invalid_json');
    expect(await refused(ACME, { model: 'local/echo-1', input: 42 })).toMatchObject({
      status: 400,
      error: { type: 'invalid_request_error', code: 'invalid_request', param: 'input' },
    });
    expect(
      await refused(ACME, {
        model: 'local/echo-1',
        input: [{ role: 'user', content: [{ type: 'input_text' }] }],
      }),
    ).toMatchObject({ status: 400, error: { code: 'invalid_request', param: 'input.0.content.0.text' } });
    expect(await refused(ACME, { model: 'local/echo-1', input: 'x', temperature: 3 })).toMatchObject({
      status: 400,
      error: { param: 'temperature' },
    });
  });

  it('refuses an unknown model as chat completions does', async () => {
    expect(await refused(ACME, { model: 'openai/gpt-9', input: 'x' })).toMatchObject({
      status: 400,
      error: { code: 'model_not_allowed', param: 'model' },
    });
  });

  it.each([
    [{ tools: [{ type: 'web_search' }] }, 'tools.0.type'],
    [{ background: true }, 'background'],
    [{ reasoning: { effort: 'high' } }, 'reasoning'],
    [
      { input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'https://x.test/a.png' }] }] },
      'input.0.content.0.type',
    ],
    [
      { input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file_1' }] }] },
      'input.0.content.0.type',
    ],
    [{ input: [{ type: 'reasoning', id: 'rs_1', summary: [] }] }, 'input.0.type'],
    [{ tool_choice: { type: 'file_search' } }, 'tool_choice'],
  ])('refuses an unsupported feature %j with 400 naming %s', async (extra, param) => {
    const result = await refused(ACME, { model: 'local/echo-1', input: 'x', ...extra });
    expect(result).toMatchObject({ status: 400, error: { code: 'invalid_request', param } });
  });

  it('refuses a JSON schema the model cannot honour with 400 unsupported_parameter naming text.format', async () => {
    const result = await refused(ACME, {
      model: 'local/echo-1',
      input: 'x',
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' } } },
    });
    expect(result).toMatchObject({
      status: 400,
      error: { code: 'unsupported_parameter', param: 'text.format' },
    });
    expect(result.error.message).toContain('local/echo-1');
  });

  it('answers a malformed response id like an unknown one', async () => {
    const res = await gateway('/v1/responses/not-an-id', { key: ACME });
    expect(res.status).toBe(404);
    expect((await res.json<ErrorJson>()).error.message).toContain('No response with id "not-an-id"');
  });
});

describe('failures', () => {
  it('ends a stream cut after the first token with response.failed, and records it incomplete', async () => {
    const { post, upstream, usage } = await chatApp();
    upstream.script('primary', { kind: 'cut', afterDeltas: 2 });
    const res = await post('/v1/responses', { model: 'upstream/primary', input: 'hi', stream: true });
    const events = responseStream(await res.text());
    expect(events.some((event) => event.type === 'response.completed')).toBe(false);
    const failed = events.at(-1);
    expect(failed?.type).toBe('response.failed');
    const response = failed?.response as ResponseJson;
    expect(response).toMatchObject({ status: 'failed', error: { code: 'server_error' } });
    expect(textOf(response)).toBe('one two ');
    expect(response.output[0]?.status).toBe('incomplete');
    expect(await usage()).toMatchObject({ status: 'incomplete', errorCode: 'upstream_error' });
    // A failed response is not stored: nothing to continue from.
    expect(
      (
        await post('/v1/responses', {
          model: 'upstream/primary',
          input: 'x',
          previous_response_id: response.id,
        })
      ).status,
    ).toBe(404);
  });

  it('answers a non-streamed cut (after retries and fallback fail) with an error, not a response', async () => {
    const { post, upstream } = await chatApp();
    upstream.script('primary', { kind: 'status', status: 500 });
    upstream.script('backup', { kind: 'status', status: 500 });
    const res = await post('/v1/responses', { model: 'upstream/primary', input: 'hi' });
    expect(res.status).toBe(502);
    expect((await res.json<ErrorJson>()).error).toMatchObject({ type: 'api_error', code: 'upstream_error' });
  });

  it('cancels the upstream call when the client closes the stream', async () => {
    const { post, upstream, usage } = await chatApp();
    upstream.script('primary', { kind: 'stall', afterDeltas: 2 });
    const res = await post('/v1/responses', { model: 'upstream/primary', input: 'hi', stream: true });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.cancel();
    expect((await usage()).status).toBe('cancelled');
    expect(upstream.callsFor('primary')[0]?.aborted).toBe(true);
  });

  it('cancels a call still waiting for its first token when the client leaves', async () => {
    const { post, upstream, usage, leavingClient } = await chatApp();
    upstream.script('primary', { kind: 'hang' });
    const res = await post(
      '/v1/responses',
      { model: 'upstream/primary', input: 'hi', stream: true },
      { signal: leavingClient() },
    );
    expect(res.status).toBe(499);
    expect(upstream.callsFor('primary')[0]?.aborted).toBe(true);
    expect(upstream.callsFor('backup')).toHaveLength(0);
    expect(await usage()).toMatchObject({ status: 'cancelled' });
  });
});
