import { z } from 'zod';
import { defineTool } from '../../definition/index.ts';
import { completeStructured } from '../../model/index.ts';
import { contentWords, splitParagraphs, splitSentences, stem } from '../../text/index.ts';

export const chunkAndTagArgsSchema = z
  .object({
    text: z.string().trim().min(1).max(500_000).describe('The document to chunk.'),
    maxChunkChars: z
      .int()
      .min(200)
      .max(8000)
      .default(1200)
      .describe('Largest chunk, in characters (a single longer sentence is cut at this size).'),
    maxTags: z.int().min(1).max(10).default(4).describe('Most tags per chunk.'),
  })
  .strict();

const chunkSchema = z
  .object({
    index: z.int().min(0),
    text: z.string().min(1),
    tags: z.array(z.string().min(1).max(64)),
  })
  .strict();

export const chunkAndTagResultSchema = z
  .object({
    chunks: z.array(chunkSchema).min(1).describe('The chunks in document order, each with its tags.'),
  })
  .strict();

export type ChunkAndTagArgs = z.infer<typeof chunkAndTagArgsSchema>;
export type ChunkAndTagResult = z.infer<typeof chunkAndTagResultSchema>;

export const chunkAndTagTool = defineTool({
  name: 'chunk_and_tag',
  description:
    'Splits a document into chunks at paragraph and sentence boundaries and tags each chunk with its topic keywords.',
  args: chunkAndTagArgsSchema,
  result: chunkAndTagResultSchema,
  sideEffects: false,
  timeoutMs: 45_000,
  async run(args, ctx) {
    // Chunking is deterministic in both modes: chunk boundaries are not something to trust a model with.
    const chunks = chunkDocument(args.text, args.maxChunkChars);
    if (ctx.offline) return { chunks: tagOffline(chunks, args.maxTags) };
    const tagged = await completeStructured(ctx, {
      instructions: `The input is a JSON array of ${chunks.length} text chunks. For each chunk, in order, give 1 to ${args.maxTags} short lower-case topic tags.`,
      input: JSON.stringify(chunks),
      schema: z
        .object({
          tags: z
            .array(z.array(z.string().trim().min(1).max(64)).min(1).max(args.maxTags))
            .length(chunks.length),
        })
        .strict(),
    });
    return {
      chunks: chunks.map((text, index) => ({ index, text, tags: tagged.tags[index] ?? [] })),
    };
  },
});

/**
 * Paragraphs are packed into chunks up to `maxChars`; a paragraph longer than that is split at
 * sentence boundaries, and a single sentence longer than that is cut at `maxChars`.
 */
export function chunkDocument(text: string, maxChars: number): string[] {
  const pieces = splitParagraphs(text).flatMap((paragraph) =>
    paragraph.length <= maxChars
      ? [paragraph]
      : splitSentences(paragraph).flatMap((sentence) => cut(sentence, maxChars)),
  );
  const chunks: string[] = [];
  let current = '';
  for (const piece of pieces) {
    const joined = current === '' ? piece : `${current}\n\n${piece}`;
    if (joined.length <= maxChars) {
      current = joined;
    } else {
      if (current !== '') chunks.push(current);
      current = piece;
    }
  }
  if (current !== '') chunks.push(current);
  return chunks;
}

function cut(sentence: string, maxChars: number): string[] {
  const parts: string[] = [];
  for (let at = 0; at < sentence.length; at += maxChars) parts.push(sentence.slice(at, at + maxChars));
  return parts;
}

/**
 * Tags are each chunk's top words by tf-idf across the document's chunks, so a word every chunk
 * shares ranks below one that sets the chunk apart. Ties keep first-seen order.
 */
export function tagOffline(chunks: readonly string[], maxTags: number): ChunkAndTagResult['chunks'] {
  const perChunk = chunks.map((chunk) => {
    const surface = new Map<string, string>();
    const counts = new Map<string, number>();
    for (const word of contentWords(chunk)) {
      const key = stem(word);
      if (!surface.has(key)) surface.set(key, word);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return { surface, counts };
  });
  const documentFrequency = new Map<string, number>();
  for (const { counts } of perChunk) {
    for (const key of counts.keys()) documentFrequency.set(key, (documentFrequency.get(key) ?? 0) + 1);
  }
  return chunks.map((text, index) => {
    const entry = perChunk[index];
    const ranked = entry
      ? [...entry.counts.entries()]
          .map(([key, count], order) => ({
            tag: entry.surface.get(key) ?? key,
            score: count * Math.log(1 + chunks.length / (documentFrequency.get(key) ?? 1)),
            order,
          }))
          .sort((a, b) => b.score - a.score || a.order - b.order)
      : [];
    return { index, text, tags: ranked.slice(0, maxTags).map((entry) => entry.tag) };
  });
}
