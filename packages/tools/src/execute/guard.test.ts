import { GatewayError } from '@aigw/core';
import { describe, expect, it } from 'vitest';
import { callInput, offlineServices, rejection } from '../../test/fixtures.ts';
import { executeTool, type ToolGuard } from './execute.ts';

/** A guard that replaces "secret" in every string, or blocks a string that says "forbidden". */
function wordGuard(): ToolGuard & { seen: unknown[] } {
  const seen: unknown[] = [];
  const walk = (value: unknown, on: 'input' | 'output'): unknown => {
    if (typeof value === 'string') {
      if (value.includes('forbidden')) {
        throw new GatewayError(
          'guardrail_blocked',
          'Guardrail rule "words" (detector "denylist") blocked the request.',
          {
            details: { rule: 'words', detector: 'denylist', on, surface: 'tools' },
          },
        );
      }
      return value.replaceAll('secret', '[WORD]');
    }
    if (Array.isArray(value)) return value.map((item) => walk(item, on));
    if (typeof value === 'object' && value !== null)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, on)]));
    return value;
  };
  return {
    seen,
    inputValue: (value) => {
      seen.push(value);
      return Promise.resolve(walk(value, 'input'));
    },
    outputValue: (value) => Promise.resolve(walk(value, 'output')),
  };
}

describe('guardrails around a tool', () => {
  it('runs the tool on redacted arguments and returns a redacted result', async () => {
    const input = callInput(
      'summarize',
      { text: 'The secret plan. It has a secret.' },
      { services: offlineServices() },
    );
    const guard = wordGuard();
    const execution = await executeTool({ ...input, guard });
    expect(guard.seen).toMatchObject([{ text: 'The secret plan. It has a secret.' }]);
    expect(JSON.stringify(execution.result)).not.toContain('secret');
    expect(JSON.stringify(execution.result)).toContain('[WORD]');
  });

  it('refuses blocked arguments without running the tool, and audits the rule', async () => {
    const services = offlineServices();
    const input = callInput(
      'ingest_documents',
      { documents: [{ id: 'a', text: 'forbidden words' }] },
      {
        services,
        scopes: ['ingest', 'tools'],
      },
    );
    const error = await rejection(executeTool({ ...input, guard: wordGuard() }));
    expect(error.code).toBe('guardrail_blocked');
    expect(services.ingested).toEqual([]);
    const { entries } = await input.ledger.page();
    expect(entries).toMatchObject([
      {
        tool: 'ingest_documents',
        outcome: 'guardrail_blocked',
        guardrail: { rule: 'words', detector: 'denylist', on: 'input', surface: 'tools' },
      },
    ]);
    expect(await input.ledger.verify()).toMatchObject({ ok: true, entries: 1 });
  });
});
