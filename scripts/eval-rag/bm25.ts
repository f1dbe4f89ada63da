import { lexicalTerms } from '@aigw/rag/text';

/** BM25's textbook constants: term-frequency saturation and length normalisation. */
const K1 = 1.2;
const B = 0.75;

/**
 * The baseline of the quality suite: plain Okapi BM25 over whole documents (title and text as one
 * field), the few dozen lines every search engineer writes first. It analyses text exactly as the
 * gateway's lexical index does (`lexicalTerms`: stop words dropped, light stemming, identifiers
 * whole and in parts), so the comparison is between ranking methods, not tokenizers.
 */
export class Bm25Documents {
  readonly #ids: string[] = [];
  readonly #tf: Map<string, number>[] = [];
  readonly #lengths: number[] = [];
  readonly #df = new Map<string, number>();

  constructor(docs: readonly { id: string; title: string; text: string }[]) {
    for (const doc of docs) {
      const tokens = lexicalTerms(`${doc.title}\n${doc.text}`);
      const tf = new Map<string, number>();
      for (const term of tokens) tf.set(term, (tf.get(term) ?? 0) + 1);
      for (const term of tf.keys()) this.#df.set(term, (this.#df.get(term) ?? 0) + 1);
      this.#ids.push(doc.id);
      this.#tf.push(tf);
      this.#lengths.push(tokens.length);
    }
  }

  /** Document ids by descending score; documents sharing no term with the query are left out. */
  search(query: string, limit = 10): string[] {
    const n = this.#ids.length;
    const avgLength = this.#lengths.reduce((sum, length) => sum + length, 0) / Math.max(n, 1);
    const queryTerms = [...new Set(lexicalTerms(query))];
    const scored: { id: string; score: number }[] = [];
    this.#tf.forEach((tf, i) => {
      const length = this.#lengths[i] ?? 0;
      let score = 0;
      for (const term of queryTerms) {
        const f = tf.get(term) ?? 0;
        if (f === 0) continue;
        const df = this.#df.get(term) ?? 0;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        score += (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * length) / avgLength));
      }
      if (score > 0) scored.push({ id: this.#ids[i] ?? '', score });
    });
    return scored
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
      .slice(0, limit)
      .map((entry) => entry.id);
  }
}
