import { describe, expect, it } from 'vitest';
import { classifyIntentOffline } from './classify-intent.ts';

const LABELS = ['billing_question', 'refund_request', 'technical_support', 'cancel_subscription'] as const;

describe('classify_intent offline', () => {
  it.each([
    ['I was charged twice, I want a refund please', 'refund_request'],
    ['Why does my bill show two charges? A question about billing.', 'billing_question'],
    ['The API returns 500 errors, I need tech support', 'technical_support'],
    ['Please cancel my subscription at the end of the month', 'cancel_subscription'],
  ])('%s → %s', (text, label) => {
    const result = classifyIntentOffline(text, LABELS);
    expect(result.label).toBe(label);
    expect(result.confidence).toBeGreaterThan(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
  });

  it('falls back to the first label with confidence 0 when nothing matches', () => {
    expect(classifyIntentOffline('hello there', LABELS)).toEqual({
      label: 'billing_question',
      confidence: 0,
    });
  });

  it('splits confidence between labels that match equally', () => {
    expect(classifyIntentOffline('refund or cancel', ['refund', 'cancel'])).toEqual({
      label: 'refund',
      confidence: 0.5,
    });
  });
});
