import { describe, expect, it } from 'vitest';
import { costOf, priceFor } from './pricing.ts';

describe('pricing', () => {
  it('prices by the table, per million tokens', () => {
    // 1,000 input × $0.15/M + 2,000 output × $0.60/M = $0.00015 + $0.0012
    expect(costOf('openai/gpt-4o-mini', 1000, 2000)).toEqual({ costUsd: 0.00135, priced: true });
  });

  it('finds a model under another provider name', () => {
    expect(priceFor('my-openai/gpt-4o-mini')).toEqual(priceFor('openai/gpt-4o-mini'));
  });

  it('reports unknown models as unpriced rather than guessing', () => {
    expect(costOf('ollama/llama3', 100, 100)).toEqual({ costUsd: 0, priced: false });
  });

  it('charges nothing for the offline model', () => {
    expect(costOf('local/echo-1', 5000, 5000)).toEqual({ costUsd: 0, priced: true });
  });
});
