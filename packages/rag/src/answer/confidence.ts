import { terms } from '../text/index.ts';
import { extractCitations } from './citations.ts';
import { isNoAnswer } from './no-answer.ts';
import type { Source } from './sources.ts';

export interface ConfidenceInput {
  answer: string;
  sources: Source[];
  /** The score floor retrieval used; scores are measured from it. */
  scoreFloor: number;
}

export interface Confidence {
  /** sqrt(retrieval × support), rounded to two decimals; 0 for a no-answer. */
  confidence: number;
  /** Mean rescaled retrieval score of the cited sources. */
  retrieval: number;
  /** Share of the answer's content words found in the sources its sentences cite. */
  support: number;
}

/** A fragment that is only citation markers, e.g. the "[2]" of "… days. [2]". */
const CITATIONS_ONLY = /^(\[[\d,\s-]+\]\s*)+$/;

function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const part of text.split(/(?<=[.!?])\s+|\n+/)) {
    const sentence = part.trim();
    if (sentence.length === 0) continue;
    // Markers written after the full stop belong to the sentence before them.
    const previous = sentences.length - 1;
    if (CITATIONS_ONLY.test(sentence) && previous >= 0)
      sentences[previous] = `${sentences[previous] ?? ''} ${sentence}`;
    else sentences.push(sentence);
  }
  return sentences;
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

/**
 * Confidence in an answer (documented in docs/search.md):
 *
 *   r_i        = clamp((score_i − floor) / (1 − floor), 0, 1)       per cited source i
 *   retrieval  = mean of r_i over the cited sources (0 if nothing is cited)
 *   support    = Σ_s |T_s| · c_s / Σ_s |T_s|                          over answer sentences s
 *     T_s      = content words of s (stemmed, stop words and [n] markers removed)
 *     c_s      = |T_s ∩ words of the sources s cites| / |T_s|, or 0 when s cites nothing valid
 *   confidence = sqrt(retrieval × support)
 *
 * The geometric mean needs both: well-retrieved sources that the answer does not use, or an answer
 * whose citations point at weak matches, both score low.
 */
export function computeConfidence(input: ConfidenceInput): Confidence {
  if (isNoAnswer(input.answer)) return { confidence: 0, retrieval: 0, support: 0 };
  const { cited } = extractCitations(input.answer, input.sources);
  const floor = Math.min(input.scoreFloor, 0.99);
  const rescaled = cited.map((source) => Math.min(Math.max((source.score - floor) / (1 - floor), 0), 1));
  const retrieval = rescaled.length === 0 ? 0 : rescaled.reduce((sum, r) => sum + r, 0) / rescaled.length;
  const sourceTerms = new Map(
    input.sources.map((source) => [source.n, new Set(terms(`${source.title ?? ''} ${source.text}`))]),
  );
  let weighted = 0;
  let total = 0;
  for (const sentence of splitSentences(input.answer)) {
    const sentenceTerms = terms(sentence.replace(/\[[\d\s,–-]+\]/g, ' '));
    if (sentenceTerms.length === 0) continue;
    total += sentenceTerms.length;
    const citedHere = extractCitations(sentence, input.sources).cited;
    if (citedHere.length === 0) continue;
    const vocabulary = new Set<string>();
    for (const source of citedHere) for (const term of sourceTerms.get(source.n) ?? []) vocabulary.add(term);
    weighted += sentenceTerms.filter((term) => vocabulary.has(term)).length;
  }
  const support = total === 0 ? 0 : weighted / total;
  return {
    confidence: round2(Math.sqrt(retrieval * support)),
    retrieval: round2(retrieval),
    support: round2(support),
  };
}
