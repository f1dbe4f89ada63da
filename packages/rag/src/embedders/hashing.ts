import { stem, words, isStopWord } from '../text/words.ts';
import type { Embedder } from './embedder.ts';

export const DEFAULT_HASH_DIMENSIONS = 384;

/** Relative weights of the three feature families (tuned on the retrieval-quality fixture). */
const WEIGHTS = { word: 1, pair: 0.6, gram: 0.2 } as const;

/** FNV-1a (32-bit) with a seed, so one text gives independent hashes for bucket and sign. */
function fnv1a(text: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * An offline embedder computed by our own code (no model weights can be downloaded here): feature
 * hashing ("the hashing trick") over stemmed content words, adjacent word pairs and character
 * trigrams, with a signed hash so collisions cancel out on average instead of piling up, sublinear
 * term frequency, and L2 normalisation so cosine similarity is a dot product. Pairs reward phrase
 * matches; trigrams let inflections and typos that stemming misses still meet. Deterministic: the
 * same text always gives the same vector, in every runtime.
 */
export class HashingEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;

  constructor(dimensions: number = DEFAULT_HASH_DIMENSIONS) {
    if (!Number.isInteger(dimensions) || dimensions < 8 || dimensions > 1536) {
      throw new RangeError('HashingEmbedder dimensions must be an integer from 8 to 1536.');
    }
    this.dimensions = dimensions;
    this.id = `local/hash-${dimensions}`;
  }

  embed(texts: string[]): Promise<number[][]> {
    return Promise.resolve(texts.map((text) => this.embedOne(text)));
  }

  embedOne(text: string): number[] {
    const counts = new Map<string, number>();
    const add = (feature: string, weight: number): void => {
      counts.set(feature, (counts.get(feature) ?? 0) + weight);
    };
    const content = words(text).filter((word) => !isStopWord(word));
    const stems = content.map(stem);
    stems.forEach((term, i) => {
      add(`w:${term}`, WEIGHTS.word);
      const next = stems[i + 1];
      if (next !== undefined) add(`p:${term}_${next}`, WEIGHTS.pair);
    });
    for (const word of content) {
      const padded = `^${word}$`;
      for (let i = 0; i + 3 <= padded.length; i += 1) add(`g:${padded.slice(i, i + 3)}`, WEIGHTS.gram);
    }
    const vector = new Array<number>(this.dimensions).fill(0);
    for (const [feature, weight] of counts) {
      const bucket = fnv1a(feature, 0) % this.dimensions;
      const sign = (fnv1a(feature, 0x9e3779b9) & 1) === 0 ? 1 : -1;
      // Sublinear frequency: a word repeated ten times is not ten times as informative.
      vector[bucket] = (vector[bucket] ?? 0) + sign * Math.log1p(weight);
    }
    const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
    return norm === 0 ? vector : vector.map((value) => value / norm);
  }
}
