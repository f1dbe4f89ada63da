import { GatewayError } from '@aigw/core';
import { SAFETY_CATEGORIES, type SafetyCategory } from '@aigw/guardrails/settings';
import type { SafetyClassifier, SafetyVerdict } from './classifier.ts';

/** The part of the Workers AI binding used here (the binding's own type has per-model overloads). */
export interface AiRunner {
  run(model: string, inputs: Record<string, unknown>): Promise<unknown>;
}

const isCategory = (code: string): code is SafetyCategory => Object.hasOwn(SAFETY_CATEGORIES, code);

/**
 * Reads Llama Guard's answer in either form Workers AI gives it: `{ response: { safe, categories } }`
 * in JSON mode, or the model's own text, `safe` or `unsafe` followed by a line of codes `S1,S10`.
 */
export function parseLlamaGuard(output: unknown, model: string): SafetyVerdict {
  const response = (output as { response?: unknown } | null)?.response;
  if (typeof response === 'object' && response !== null && 'safe' in response) {
    const { safe, categories } = response as { safe: unknown; categories?: unknown };
    const codes = Array.isArray(categories) ? categories.map(String).filter(isCategory) : [];
    return { safe: safe === true, categories: safe === true ? [] : codes, model };
  }
  if (typeof response === 'string') {
    const text = response.trim();
    if (/^safe\b/i.test(text)) return { safe: true, categories: [], model };
    if (/^unsafe\b/i.test(text)) {
      const codes = [...text.matchAll(/S\d{1,2}/g)].map((m) => m[0]).filter(isCategory);
      return { safe: false, categories: codes, model };
    }
  }
  throw new GatewayError('upstream_error', 'The safety classifier returned an answer it could not read.');
}

/**
 * Llama Guard through the Workers AI binding (staging and production). A failed call fails the
 * check (`upstream_error`) rather than letting the text through unjudged.
 */
export function llamaGuard(ai: AiRunner, model: string): SafetyClassifier {
  return {
    model,
    async classify(input) {
      const messages =
        input.role === 'user'
          ? [{ role: 'user', content: input.text }]
          : [
              { role: 'user', content: input.prompt ?? '' },
              { role: 'assistant', content: input.text },
            ];
      let output: unknown;
      try {
        output = await ai.run(model, { messages, response_format: { type: 'json_object' } });
      } catch (cause) {
        throw new GatewayError('upstream_error', 'The safety classifier (Workers AI) failed.', { cause });
      }
      return parseLlamaGuard(output, model);
    },
  };
}
