import { describe, expect, it } from 'vitest';
import { callInput, offlineServices, rejection, scriptedComplete } from '../../test/fixtures.ts';
import { executeTool } from '../execute/index.ts';
import { extractJson } from './structured.ts';

const MODEL = 'openai/gpt-4o-mini';
const CATS =
  'Cats sleep for most of the day and hunt at dusk; they groom themselves often and keep to a territory they know well.';
const DOGS =
  'Dogs are pack animals that bond with people, learn commands quickly and need daily walks, play and company to stay well.';

function online(name: string, args: unknown, answers: string[], settings?: { enabled: string[] }) {
  const complete = scriptedComplete(answers);
  const input = callInput(name, args, {
    toolsModel: MODEL,
    services: offlineServices({ complete }),
    ...(settings ? { settings: settings as { enabled: ['summarize'] } } : {}),
  });
  return { input, complete };
}

describe('structured model output', () => {
  it('repairs an answer that is not JSON with one retry', async () => {
    const { input, complete } = online('summarize', { text: 'Long text.' }, [
      'Sure! Here is the summary: it is long.',
      '{"summary": "A long text."}',
    ]);
    const execution = await executeTool(input);
    expect(execution.result).toEqual({ summary: 'A long text.' });
    expect(complete.calls).toHaveLength(2);
    const retry = complete.calls[1] ?? [];
    expect(retry.at(-2)).toEqual({ role: 'assistant', content: 'Sure! Here is the summary: it is long.' });
    expect(retry.at(-1)?.content).toMatch(/not valid JSON/);
  });

  it('repairs an answer that does not match the schema, telling the model the path', async () => {
    const { input, complete } = online(
      'classify_intent',
      { text: 'refund me', labels: ['refund', 'other'] },
      ['{"label": "money_back", "confidence": 0.9}', '```json\n{"label": "refund", "confidence": 0.9}\n```'],
    );
    expect((await executeTool(input)).result).toEqual({ label: 'refund', confidence: 0.9 });
    expect(complete.calls).toHaveLength(2);
    expect(complete.calls[1]?.at(-1)?.content).toMatch(/label: /);
  });

  it('fails with tool_failed after a second bad answer, and audits the failure', async () => {
    const { input, complete } = online('summarize', { text: 'Long text.' }, [
      'not json',
      '{"summary": ""}',
      '{"summary": "late"}',
    ]);
    const error = await rejection(executeTool(input));
    expect(error.code).toBe('tool_failed');
    expect(error.details?.issues?.[0]?.path).toEqual(['summary']);
    expect(complete.calls).toHaveLength(2);
    expect((await input.ledger.page()).entries.map((entry) => entry.outcome)).toEqual(['tool_failed']);
  });

  it('asks for tags per chunk and keeps chunking deterministic', async () => {
    const { input, complete } = online(
      'chunk_and_tag',
      { text: `${CATS}\n\n${DOGS}`, maxChunkChars: 200 },
      ['{"tags": [["pets"]]}', '{"tags": [["cats"], ["dogs"]]}'],
      { enabled: ['chunk_and_tag'] },
    );
    // The first answer has one tag list for two chunks: a schema error, repaired.
    expect((await executeTool(input)).result).toEqual({
      chunks: [
        { index: 0, text: CATS, tags: ['cats'] },
        { index: 1, text: DOGS, tags: ['dogs'] },
      ],
    });
    expect(complete.calls).toHaveLength(2);
    expect(complete.calls[0]?.at(-1)?.content).toBe(JSON.stringify([CATS, DOGS]));
  });

  it('filters extract_entities model output to the requested types', async () => {
    const { input } = online(
      'extract_entities',
      { text: 'Ada met Bob at ACME.', types: ['person'] },
      ['{"entities": [{"type": "person", "text": "Ada"}, {"type": "organization", "text": "ACME"}]}'],
      { enabled: ['extract_entities'] },
    );
    expect((await executeTool(input)).result).toEqual({ entities: [{ type: 'person', text: 'Ada' }] });
  });

  it('runs offline methods without calling the model on a local/ model', async () => {
    const complete = scriptedComplete([]);
    const input = callInput('summarize', { text: 'One. Two.' }, { services: offlineServices({ complete }) });
    await executeTool(input);
    expect(complete.calls).toHaveLength(0);
  });
});

describe('extractJson', () => {
  it('finds JSON alone, in a fence or inside prose', () => {
    expect(extractJson('{"a":1}')).toEqual({ value: { a: 1 } });
    expect(extractJson('```json\n[1,2]\n```')).toEqual({ value: [1, 2] });
    expect(extractJson('Here you go: {"a": {"b": 2}} hope it helps')).toEqual({ value: { a: { b: 2 } } });
    expect(extractJson('no json here')).toBeUndefined();
  });
});
