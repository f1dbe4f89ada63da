import { z } from 'zod';
import { defineTool } from '../../definition/index.ts';
import { completeStructured } from '../../model/index.ts';
import { splitSentences, stem, termFrequencies, contentWords } from '../../text/index.ts';

export const summarizeArgsSchema = z
  .object({
    text: z.string().trim().min(1).max(200_000).describe('The text to summarise.'),
    maxSentences: z.int().min(1).max(20).default(3).describe('Longest summary, in sentences.'),
  })
  .strict();

export const summarizeResultSchema = z
  .object({
    summary: z.string().min(1).describe('The summary.'),
  })
  .strict();

export type SummarizeArgs = z.infer<typeof summarizeArgsSchema>;
export type SummarizeResult = z.infer<typeof summarizeResultSchema>;

export const summarizeTool = defineTool({
  name: 'summarize',
  description: 'Summarises a text in at most `maxSentences` sentences, keeping its key facts.',
  args: summarizeArgsSchema,
  result: summarizeResultSchema,
  sideEffects: false,
  timeoutMs: 30_000,
  async run(args, ctx) {
    if (ctx.offline) return summarizeOffline(args);
    return completeStructured(ctx, {
      instructions: `Summarise the text in at most ${args.maxSentences} sentences. Keep names, numbers and dates exact; add nothing that is not in the text.`,
      input: args.text,
      schema: summarizeResultSchema,
    });
  },
});

/**
 * Extractive summary: a sentence scores the document frequencies of its content words, divided by
 * the square root of their count so neither long sentences (by sheer length) nor two-word ones
 * (by one frequent word) always win; the best `maxSentences` are returned in their original
 * order. Ties keep the earlier sentence.
 */
export function summarizeOffline(args: SummarizeArgs): SummarizeResult {
  const sentences = splitSentences(args.text);
  const frequencies = termFrequencies(args.text);
  const scored = sentences.map((sentence, index) => {
    const terms = contentWords(sentence).map(stem);
    const total = terms.reduce((sum, term) => sum + (frequencies.get(term) ?? 0), 0);
    return { sentence, index, score: terms.length === 0 ? 0 : total / Math.sqrt(terms.length) };
  });
  const chosen = [...scored]
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, args.maxSentences)
    .sort((a, b) => a.index - b.index);
  const summary = chosen.map((entry) => entry.sentence).join(' ');
  return { summary: summary.length > 0 ? summary : args.text.trim() };
}
