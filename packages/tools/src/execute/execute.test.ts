import { GatewayError, sha256Hex } from '@aigw/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { callInput, offlineServices, rejection } from '../../test/fixtures.ts';
import { canonicalJson } from '../audit/index.ts';
import { defineTool, type ToolDefinition } from '../definition/index.ts';
import { TOOLS, type ToolRegistry } from '../registry/index.ts';
import { executeTool } from './execute.ts';

/** Tools that misbehave on purpose, dispatched through the same `executeTool`. */
const hang = defineTool({
  name: 'hang',
  description: 'Never finishes unless aborted.',
  args: z.object({}).strict(),
  result: z.object({}).strict(),
  sideEffects: false,
  timeoutMs: 50,
  run: (_args, ctx) =>
    new Promise<Record<string, never>>((_resolve, reject) => {
      ctx.signal.addEventListener('abort', () => {
        reject(new Error('aborted'));
      });
    }),
});
let sawAbort = false;
const hangAndWatch = defineTool({
  ...hang,
  name: 'hang_and_watch',
  run: (_args, ctx) =>
    new Promise<Record<string, never>>(() => {
      ctx.signal.addEventListener('abort', () => {
        sawAbort = true;
      });
    }),
});
const crash = defineTool({
  ...hang,
  name: 'crash',
  timeoutMs: 1000,
  run: () => Promise.reject(new TypeError('secret internal detail at db.ts:42')),
});
const liar = defineTool({
  ...hang,
  name: 'liar',
  timeoutMs: 1000,
  result: z.object({ answer: z.number() }).strict(),
  // The declared type is bypassed on purpose: a buggy tool returning the wrong shape.
  run: () => Promise.resolve({ answer: 'forty-two' } as unknown as { answer: number }),
});
const upstreamDown = defineTool({
  ...hang,
  name: 'upstream_down',
  timeoutMs: 1000,
  run: () => Promise.reject(new GatewayError('upstream_error')),
});
const TEST_TOOLS: ToolRegistry = {
  ...TOOLS,
  hang,
  hang_and_watch: hangAndWatch,
  crash,
  liar,
  upstream_down: upstreamDown,
} satisfies Record<string, ToolDefinition>;

describe('executeTool: visibility and scopes', () => {
  it('answers a tool the tenant has not enabled exactly like a tool that does not exist', async () => {
    const disabled = callInput('summarize', { text: 'x' }, { settings: { enabled: ['classify_intent'] } });
    const unknown = callInput('delete_everything', { text: 'x' }, { settings: { enabled: ['summarize'] } });
    const a = await rejection(executeTool(disabled));
    const b = await rejection(executeTool(unknown));
    expect(a.code).toBe('not_found');
    expect(b.code).toBe('not_found');
    expect(a.message.replace('summarize', 'X')).toBe(b.message.replace('delete_everything', 'X'));
  });

  it('refuses an enabled tool outside the key scopes with insufficient_scope', async () => {
    const input = callInput(
      'ingest_documents',
      { documents: [{ id: 'd1', text: 'hello' }] },
      { scopes: ['tools'] },
    );
    const error = await rejection(executeTool(input));
    expect(error.code).toBe('insufficient_scope');
    expect(error.details).toMatchObject({ required: 'ingest', granted: ['tools'] });
    const withoutTools = callInput('summarize', { text: 'Hello there.' }, { scopes: ['chat'] });
    expect((await rejection(executeTool(withoutTools))).code).toBe('insufficient_scope');
  });

  it('runs an enabled tool within scope and audits it', async () => {
    const args = { text: 'Workers run at the edge. The edge is close to users.', maxSentences: 1 };
    const input = callInput('summarize', args);
    const execution = await executeTool(input);
    expect(execution).toMatchObject({
      tool: 'summarize',
      result: { summary: expect.any(String) as unknown },
    });
    const { entries } = await input.ledger.page();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      tenant: input.tenant.id,
      requestId: input.requestId,
      keyId: 'key-1',
      tool: 'summarize',
      outcome: 'ok',
      argsHash: await sha256Hex(canonicalJson({ maxSentences: 1, text: args.text })),
    });
  });
});

describe('executeTool: arguments', () => {
  it('reports every invalid argument with its path', async () => {
    const input = callInput('summarize', { text: 42, maxSentences: 0, verbose: true });
    const error = await rejection(executeTool(input));
    expect(error.code).toBe('invalid_tool_arguments');
    expect(error.status).toBe(400);
    expect(error.details?.issues?.map((issue) => issue.path)).toEqual([['text'], ['maxSentences'], []]);
    expect(error.details?.issues?.[2]?.code).toBe('unrecognized_keys');
    expect(error.message).toMatch(/^Invalid arguments for "summarize": text: /);
  });

  it('reports nested paths and a missing body', async () => {
    const nested = callInput('ingest_documents', {
      documents: [
        { id: 'ok', text: 'x' },
        { id: '', text: 'y' },
      ],
    });
    const error = await rejection(executeTool(nested));
    expect(error.details?.issues?.map((issue) => issue.path)).toEqual([['documents', 1, 'id']]);
    const missing = callInput('summarize', undefined);
    expect((await rejection(executeTool(missing))).details?.issues?.[0]?.path).toEqual([]);
  });

  it('gives ingest_documents no way to name another tenant', async () => {
    const services = offlineServices();
    const input = callInput(
      'ingest_documents',
      { tenant: 'victim', documents: [{ id: 'd1', text: 'hello', namespace: 'victim' }] },
      { services },
    );
    const error = await rejection(executeTool(input));
    expect(error.code).toBe('invalid_tool_arguments');
    expect(error.details?.issues?.map((issue) => issue.path)).toEqual([['documents', 0], []]);
    expect(services.ingested).toEqual([]);
  });

  it('hands valid documents to the injected ingest and returns its outcome', async () => {
    const services = offlineServices();
    const input = callInput(
      'ingest_documents',
      { documents: [{ id: 'd1', text: 'hello', title: 'Hi' }] },
      { services },
    );
    const execution = await executeTool(input);
    expect(services.ingested).toEqual([[{ id: 'd1', text: 'hello', title: 'Hi' }]]);
    expect(execution.result).toEqual({
      added: ['d1'],
      updated: [],
      unchanged: [],
      failed: [],
      chunks: 1,
      corpusVersion: 1,
    });
  });

  it('takes classify_intent labels from the request, else from the tenant, else refuses', async () => {
    const fromRequest = callInput('classify_intent', {
      text: 'I need a refund',
      labels: ['refund', 'other'],
    });
    expect((await executeTool(fromRequest)).result).toMatchObject({ label: 'refund' });
    const fromTenant = callInput(
      'classify_intent',
      { text: 'cancel it now' },
      { settings: { enabled: ['classify_intent'], intentLabels: ['refund', 'cancel'] } },
    );
    expect((await executeTool(fromTenant)).result).toMatchObject({ label: 'cancel' });
    const neither = callInput('classify_intent', { text: 'cancel it now' });
    const error = await rejection(executeTool(neither));
    expect(error.code).toBe('invalid_tool_arguments');
    expect(error.details?.issues?.[0]?.path).toEqual(['labels']);
  });
});

describe('executeTool: failures are typed', () => {
  it('times out with tool_timeout and aborts the tool', async () => {
    sawAbort = false;
    const input = callInput('hang_and_watch', {});
    const error = await rejection(executeTool(input, TEST_TOOLS));
    expect(error.code).toBe('tool_timeout');
    expect(error.status).toBe(504);
    expect(sawAbort).toBe(true);
    const { entries } = await input.ledger.page();
    expect(entries.map((entry) => entry.outcome)).toEqual(['tool_timeout']);
  });

  it('reports tool_timeout even when the tool rejects on abort', async () => {
    const error = await rejection(executeTool(callInput('hang', {}), TEST_TOOLS));
    expect(error.code).toBe('tool_timeout');
  });

  it('turns a raw exception into tool_failed without leaking its message', async () => {
    const input = callInput('crash', {});
    const error = await rejection(executeTool(input, TEST_TOOLS));
    expect(error.code).toBe('tool_failed');
    expect(error.message).not.toContain('secret');
    expect(error.cause).toBeInstanceOf(TypeError);
    expect((await input.ledger.page()).entries[0]?.outcome).toBe('tool_failed');
  });

  it('refuses a result outside the result schema with tool_failed', async () => {
    const error = await rejection(executeTool(callInput('liar', {}), TEST_TOOLS));
    expect(error.code).toBe('tool_failed');
    expect(error.details?.issues?.[0]?.path).toEqual(['answer']);
  });

  it("keeps a tool's own GatewayError code", async () => {
    const error = await rejection(executeTool(callInput('upstream_down', {}), TEST_TOOLS));
    expect(error.code).toBe('upstream_error');
  });
});

describe('executeTool: audit', () => {
  it('audits refusals too, one entry per call, with the hash of the arguments as sent', async () => {
    const first = callInput('summarize', { text: 'a' }, { settings: { enabled: [] } });
    await rejection(executeTool(first));
    const second = {
      ...callInput('summarize', { b: 1, a: 2 }),
      tenant: first.tenant,
      audit: first.audit,
      ledger: first.ledger,
    };
    await rejection(executeTool(second));
    const { entries } = await first.ledger.page();
    expect(entries.map((entry) => entry.outcome)).toEqual(['not_found', 'invalid_tool_arguments']);
    expect(entries[1]?.argsHash).toBe(await sha256Hex('{"a":2,"b":1}'));
    await expect(first.ledger.verify()).resolves.toMatchObject({ ok: true, entries: 2 });
  });

  it('refuses arguments nested 10,000 deep with invalid_tool_arguments, and audits the refusal', async () => {
    // Built from text: JSON.parse does not recurse, so this is what a client's body parses to.
    const deep: unknown = JSON.parse(`{"text":"hi","extra":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    const input = callInput('summarize', deep);
    const error = await rejection(executeTool(input));
    expect(error.code).toBe('invalid_tool_arguments');
    expect(error.details?.issues?.[0]).toMatchObject({ code: 'too_deep', maximum: 64, unit: 'levels' });
    expect(error.details?.issues?.[0]?.path.slice(0, 2)).toEqual(['extra', 0]);
    expect(error.message).toMatch(
      /^Invalid arguments for "summarize": extra\[0\]\[0\].*: nested more than 64/,
    );
    const { entries } = await input.ledger.page();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ outcome: 'invalid_tool_arguments', tool: 'summarize' });
    expect(entries[0]?.argsHash).toBe(await sha256Hex(canonicalJson(deep)));
  });

  it('refuses arguments over the size limit before validating them', async () => {
    const input = callInput('summarize', { text: 'x'.repeat(1_100_000) });
    const error = await rejection(executeTool(input));
    expect(error.code).toBe('invalid_tool_arguments');
    expect(error.details?.issues?.[0]).toMatchObject({
      code: 'too_large',
      maximum: 1_048_576,
      unit: 'bytes',
    });
    expect((await input.ledger.page()).entries[0]?.outcome).toBe('invalid_tool_arguments');
  });

  it('fails the call with internal when the ledger cannot record it', async () => {
    const input = callInput('summarize', { text: 'Fine text.' });
    const error = await rejection(
      executeTool({ ...input, audit: { append: () => Promise.reject(new Error('storage down')) } }),
    );
    expect(error.code).toBe('internal');
  });
});
