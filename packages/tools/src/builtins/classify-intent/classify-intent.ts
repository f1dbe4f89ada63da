import { GatewayError } from '@aigw/core';
import { z } from 'zod';
import { defineTool } from '../../definition/index.ts';
import { completeStructured } from '../../model/index.ts';
import { contentWords, stem } from '../../text/index.ts';

const labelSchema = z.string().trim().min(1).max(64);

export const classifyIntentArgsSchema = z
  .object({
    text: z.string().trim().min(1).max(20_000).describe('The message to classify.'),
    labels: z
      .array(labelSchema)
      .min(1)
      .max(50)
      .optional()
      .describe("Candidate intents; the tenant's tools.intentLabels when left out."),
  })
  .strict();

export const classifyIntentResultSchema = z
  .object({
    label: z.string().min(1).describe('The best-matching label, always one of the candidates.'),
    confidence: z.number().min(0).max(1).describe('0 when nothing in the text pointed at any label.'),
  })
  .strict();

export type ClassifyIntentArgs = z.infer<typeof classifyIntentArgsSchema>;
export type ClassifyIntentResult = z.infer<typeof classifyIntentResultSchema>;

export const classifyIntentTool = defineTool({
  name: 'classify_intent',
  description:
    "Classifies a message into one of a set of intent labels (given in the call, or the tenant's configured labels).",
  args: classifyIntentArgsSchema,
  result: classifyIntentResultSchema,
  sideEffects: false,
  timeoutMs: 20_000,
  async run(args, ctx) {
    const labels = args.labels ?? ctx.settings.intentLabels;
    const [first, ...rest] = labels ?? [];
    if (first === undefined) {
      throw new GatewayError(
        'invalid_tool_arguments',
        'labels: give candidate labels; this tenant has no tools.intentLabels configured.',
        {
          details: {
            issues: [{ path: ['labels'], code: 'too_small', message: 'no labels to classify into' }],
          },
        },
      );
    }
    if (ctx.offline) return classifyIntentOffline(args.text, [first, ...rest]);
    // The schema is built per call so a label outside the candidates is a validation error, repaired once.
    return completeStructured(ctx, {
      instructions: `Classify the intent of the user's message as exactly one of these labels: ${JSON.stringify([first, ...rest])}. Give your confidence between 0 and 1.`,
      input: args.text,
      schema: z.object({ label: z.enum([first, ...rest]), confidence: z.number().min(0).max(1) }).strict(),
    });
  },
});

/**
 * Keyword overlap: a label's words (split on spaces, "_" and "-", stemmed) are looked for among
 * the message's stemmed content words, with a prefix match for words of four letters or more
 * ("tech" ~ "technical"). Score = share of the label's words found. The best label wins, ties to
 * the earlier one; confidence is its share of all scores (0 when nothing matched, and then the
 * first label is returned as the fallback).
 */
export function classifyIntentOffline(
  text: string,
  labels: readonly [string, ...string[]],
): ClassifyIntentResult {
  const terms = new Set(contentWords(text).map(stem));
  const scores = labels.map((label) => {
    const parts = contentWords(label.replace(/[_-]+/g, ' ')).map(stem);
    if (parts.length === 0) return 0;
    const hits = parts.filter((part) => [...terms].some((term) => matches(term, part))).length;
    return hits / parts.length;
  });
  let best = 0;
  scores.forEach((score, index) => {
    if (score > (scores[best] ?? 0)) best = index;
  });
  const total = scores.reduce((sum, score) => sum + score, 0);
  const bestScore = scores[best] ?? 0;
  return {
    label: labels[best] ?? labels[0],
    confidence: total === 0 ? 0 : Math.round((bestScore / total) * 1000) / 1000,
  };
}

function matches(term: string, labelPart: string): boolean {
  if (term === labelPart) return true;
  const [shorter, longer] = term.length <= labelPart.length ? [term, labelPart] : [labelPart, term];
  return shorter.length >= 4 && longer.startsWith(shorter);
}
