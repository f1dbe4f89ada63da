import { terms } from '../text/index.ts';
import type { Passage } from '../retrieval/index.ts';
import { NO_ANSWER_TEXT } from './no-answer.ts';
import { toSources, type Source } from './sources.ts';

/**
 * An answer composed without a model: the sentences of the retrieved sources that share the most
 * query words, each cited with its source number. It is what `/search` can answer with when the
 * tenant's model is the offline one, and it never says anything a source does not.
 */
export function extractiveAnswer(
  question: string,
  passages: Passage[],
  maxSentences = 3,
): { answer: string; sources: Source[] } {
  const sources = toSources(passages);
  const wanted = new Set(terms(question));
  const scored: { text: string; n: number; score: number; order: number }[] = [];
  for (const source of sources) {
    const sentences = source.text.split(/(?<=[.!?])\s+|\n+/).map((s) => s.replace(/^[#>*\-\s]+/, '').trim());
    sentences.forEach((text, i) => {
      const sentenceTerms = new Set(terms(text));
      let overlap = 0;
      for (const term of sentenceTerms) if (wanted.has(term)) overlap += 1;
      if (overlap > 0 && text.length > 0) {
        // Earlier sources and earlier sentences win ties: retrieval order already ranks relevance.
        scored.push({ text, n: source.n, score: overlap + source.score, order: source.n * 1000 + i });
      }
    });
  }
  const best = scored.sort((a, b) => b.score - a.score || a.order - b.order).slice(0, maxSentences);
  if (best.length === 0) return { answer: NO_ANSWER_TEXT, sources };
  const answer = best
    .sort((a, b) => a.order - b.order)
    .map((entry) => `${entry.text.replace(/[.!?]?$/, (end) => end || '.')} [${entry.n}]`)
    .join(' ');
  return { answer, sources };
}
