import { describe, expect, it } from 'vitest';
import { traceExportStats } from '../../src/logs/index.ts';
import { toolCallingUpstream } from '../support/fake-upstream.ts';
import { attribute, collector, otlpRoundTrip, type ExportedSpan } from '../support/otlp.ts';
import { logApp } from './support.ts';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`;
const ENDPOINT = 'https://collector.test/v1/traces';

const toolTenant = {
  features: { rag: false, tools: true, tts: false },
  tools: { enabled: ['summarize'] as 'summarize'[] },
  models: {
    chat: 'upstream/primary',
    tools: 'upstream/backup',
    allowed: ['upstream/primary', 'upstream/backup'],
  },
};

const byName = (spans: ExportedSpan[], name: string) => spans.filter((s) => s.name === name);

describe('OpenTelemetry export', () => {
  it("exports one trace per request in OTLP/JSON, GenAI attributes included, continuing the caller's trace", async () => {
    const otel = collector();
    const app = await logApp(
      { id: 'trace-a', ...toolTenant, tracing: { endpoint: ENDPOINT, headersSecret: 'TRACE_HEADERS' } },
      { telemetryFetch: otel.fetch },
    );
    app.upstream.script('backup', { kind: 'ok', text: '{"summary":"Cats sleep."}' });
    toolCallingUpstream(app.upstream, 'primary', 'summarize', { text: 'Cats sleep a lot. Dogs bark.' }, 1);
    // Every upstream call's headers, those the tool-calling script answers itself included.
    const sent: Headers[] = [];
    const scripted = app.upstream.fetch;
    app.upstream.fetch = (input, init) => {
      sent.push(new Request(input, init).headers);
      return scripted(input, init);
    };
    const res = await app.post(
      '/chat',
      { message: 'summarise this', tools: ['summarize'], stream: false, maxTokens: 300 },
      {
        headers: { traceparent: TRACEPARENT, tracestate: 'vendor=x' },
        env: { ...app.env, TRACE_HEADERS: 'Authorization=Basic%20dGVzdA==,x-langfuse-ingestion-version=4' },
      },
    );
    expect(res.status).toBe(200);
    const [exported] = await otel.received(1);
    expect(exported?.url).toBe(ENDPOINT);
    expect(exported?.headers.get('authorization')).toBe('Basic dGVzdA==');
    expect(exported?.headers.get('x-langfuse-ingestion-version')).toBe('4');
    expect(exported?.headers.get('content-type')).toBe('application/json');

    // The payload is an ExportTraceServiceRequest the OTLP protobuf types read back field for field.
    const { decoded, expected } = otlpRoundTrip(exported?.body);
    expect(decoded).toEqual(expected);

    const resource = exported?.body.resourceSpans[0]?.resource;
    expect(attribute(resource, 'service.name')).toBe('aigw-gateway');
    expect(attribute(resource, 'tenant.id')).toBe('trace-a');
    const spans = otel.spans();
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([CALLER_TRACE]));
    const [root] = byName(spans, 'POST /chat');
    expect(root).toMatchObject({ parentSpanId: CALLER_SPAN, kind: 2 });
    expect(attribute(root, 'gateway.request_id')).toBe(res.headers.get('x-request-id'));
    expect(attribute(root, 'gen_ai.operation.name')).toBe('chat');
    expect(attribute(root, 'gen_ai.response.model')).toBe('upstream/primary');
    expect(attribute(root, 'http.response.status_code')).toBe(200);
    for (const name of ['gateway.auth', 'gateway.limits', 'execute_tool summarize']) {
      expect(byName(spans, name), name).toHaveLength(1);
      expect(byName(spans, name)[0]?.parentSpanId).toBe(root?.spanId);
    }
    const tool = byName(spans, 'execute_tool summarize')[0];
    expect(attribute(tool, 'gen_ai.tool.name')).toBe('summarize');
    expect(attribute(tool, 'gen_ai.operation.name')).toBe('execute_tool');
    expect(attribute(tool, 'gen_ai.tool.call.arguments')).toBeUndefined();

    const attempts = byName(spans, 'chat primary');
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) {
      expect(attempt.kind).toBe(3);
      expect(attribute(attempt, 'gen_ai.provider.name')).toBe('upstream');
      expect(attribute(attempt, 'gen_ai.request.model')).toBe('primary');
      expect(attribute(attempt, 'gen_ai.response.model')).toBe('primary');
      expect(attribute(attempt, 'gen_ai.request.max_tokens')).toBe(300);
    }
    const answering = attempts.find((s) => attribute(s, 'gen_ai.usage.output_tokens') !== undefined);
    expect(attribute(answering, 'gen_ai.usage.input_tokens')).toEqual(expect.any(Number));
    expect(attribute(answering, 'gen_ai.response.finish_reasons')).toEqual({
      values: [{ stringValue: 'stop' }],
    });
    expect(byName(spans, 'chat backup')).toHaveLength(1);
    // No content without the tenant's bodies opt-in.
    expect(spans.some((s) => s.attributes.some((a) => a.key.endsWith('.messages')))).toBe(false);

    // Each upstream call carried the trace, its parent the attempt's own span.
    const clientSpans = new Set(spans.filter((s) => s.kind === 3).map((s) => s.spanId));
    expect(sent).toHaveLength(3);
    const parents = new Set<string>();
    for (const headers of sent) {
      const [version, trace, parent, flags] = (headers.get('traceparent') ?? '').split('-');
      expect([version, trace, flags]).toEqual(['00', CALLER_TRACE, '01']);
      expect(clientSpans.has(parent ?? '')).toBe(true);
      parents.add(parent ?? '');
      expect(headers.get('tracestate')).toBe('vendor=x');
    }
    expect(parents.size).toBe(3);
    const [entry] = await app.entries(1);
    expect(entry?.traceId).toBe(CALLER_TRACE);
  });

  it("puts prompts and answers in spans only with the tenant's bodies opt-in, redacted", async () => {
    const otel = collector();
    const app = await logApp(
      {
        id: 'trace-content',
        logs: { bodies: { enabled: true } },
        tracing: { endpoint: ENDPOINT },
        guardrails: { rules: [{ id: 'flag-emails', detector: 'email', on: 'input', action: 'flag' }] },
      },
      { telemetryFetch: otel.fetch },
    );
    await app.post('/chat', { message: 'Mail jane@example.com', stream: true }).then((r) => r.text());
    await otel.received(1);
    const [root] = byName(otel.spans(), 'POST /chat');
    const input = JSON.parse(String(attribute(root, 'gen_ai.input.messages'))) as unknown;
    expect(input).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Mail [EMAIL]' }] }]);
    const output = JSON.parse(String(attribute(root, 'gen_ai.output.messages'))) as {
      finish_reason: string;
    }[];
    expect(output[0]).toMatchObject({ role: 'assistant', finish_reason: 'stop' });
    expect(JSON.stringify(otel.requests[0]?.body)).not.toContain('jane@example.com');
  });

  it('keeps the whole answer of a stream relayed as bytes as the output, with the bodies opt-in', async () => {
    const otel = collector();
    const app = await logApp(
      { id: 'trace-relayed', logs: { bodies: { enabled: true } }, tracing: { endpoint: ENDPOINT } },
      { telemetryFetch: otel.fetch },
    );
    // Longer than the end a relayed stream's accounting parses when nothing keeps its text.
    const long = Array.from({ length: 900 }, (_, i) => `word${i}`).join(' ');
    app.upstream.script('primary', { kind: 'ok', text: long });
    await app
      .post('/v1/chat/completions', {
        model: 'upstream/primary',
        messages: [{ role: 'user', content: 'count' }],
        stream: true,
        stream_options: { include_usage: true },
      })
      .then((r) => r.text());
    await otel.received(1);
    const [root] = byName(otel.spans(), 'POST /v1/chat/completions');
    const output = JSON.parse(String(attribute(root, 'gen_ai.output.messages'))) as {
      parts: { content: string }[];
    }[];
    expect(output[0]?.parts[0]?.content).toBe(long);
  });

  it("passes a caller's traceparent upstream unchanged without an endpoint; a deployment collector gets no content", async () => {
    const otel = collector();
    const app = await logApp(
      { id: 'trace-none', logs: { bodies: { enabled: true } } },
      { telemetryFetch: otel.fetch },
    );
    await app.post('/chat', { message: 'hello', stream: false }, { headers: { traceparent: TRACEPARENT } });
    expect(app.upstream.calls[0]?.headers.get('traceparent')).toBe(TRACEPARENT);
    const [entry] = await app.entries(1);
    expect(entry?.traceId).toBe(CALLER_TRACE);
    expect(otel.requests).toHaveLength(0);

    // The deployment's own collector (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) gets every tenant's trace.
    const deployment = { ...app.env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://ops.test/v1/traces' };
    await app.post('/chat', { message: 'Mail jane@example.com', stream: false }, { env: deployment });
    const [exported] = await otel.received(1);
    expect(exported?.url).toBe('https://ops.test/v1/traces');
    expect(attribute(exported?.body.resourceSpans[0]?.resource, 'tenant.id')).toBe('trace-none');
    // A new trace, for a request that came without one.
    const [root] = byName(otel.spans(), 'POST /chat');
    expect(root?.parentSpanId).toBeUndefined();
    expect(root?.traceId).not.toBe(CALLER_TRACE);
    expect(JSON.stringify(exported?.body)).not.toContain('.messages');
  });

  it('counts a failed export and never fails the request', async () => {
    const otel = collector(503);
    const app = await logApp(
      { id: 'trace-down', tracing: { endpoint: ENDPOINT } },
      { telemetryFetch: otel.fetch },
    );
    const before = traceExportStats.failed;
    const res = await app.post('/chat', { message: 'hello', stream: false });
    expect(res.status).toBe(200);
    await otel.received(1);
    for (let i = 0; i < 100 && traceExportStats.failed === before; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(traceExportStats.failed).toBeGreaterThan(before);
  });
});
