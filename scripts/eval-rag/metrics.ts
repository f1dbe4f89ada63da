import type { Question, QuestionKind } from './questions.ts';

export interface Scores {
  questions: number;
  recallAt1: number;
  recallAt5: number;
  /** Mean reciprocal rank of the first gold document within the top 10 (0 beyond). */
  mrrAt10: number;
}

/** 1-based rank of the first gold document among ranked document ids, or undefined. */
export function firstGoldRank(ranked: readonly string[], gold: readonly string[]): number | undefined {
  const index = ranked.findIndex((id) => gold.includes(id));
  return index === -1 ? undefined : index + 1;
}

/** Scores from each question's rank (undefined when no gold document was returned). */
export function score(ranks: readonly (number | undefined)[]): Scores {
  const n = ranks.length;
  const share = (test: (rank: number) => boolean) =>
    n === 0 ? 0 : ranks.filter((rank) => rank !== undefined && test(rank)).length / n;
  const mrr =
    n === 0
      ? 0
      : ranks.reduce<number>((sum, rank) => sum + (rank !== undefined && rank <= 10 ? 1 / rank : 0), 0) / n;
  return {
    questions: n,
    recallAt1: share((rank) => rank === 1),
    recallAt5: share((rank) => rank <= 5),
    mrrAt10: mrr,
  };
}

/** Scores per question kind and over all questions. */
export function scoreByKind(
  questions: readonly Question[],
  ranks: ReadonlyMap<string, number | undefined>,
  kinds: readonly QuestionKind[],
): Record<QuestionKind | 'all', Scores> {
  const of = (list: readonly Question[]) => score(list.map((q) => ranks.get(q.id)));
  const out = { all: of(questions) } as Record<QuestionKind | 'all', Scores>;
  for (const kind of kinds) out[kind] = of(questions.filter((q) => q.kind === kind));
  return out;
}

/** Unique document ids in the order their first passage appears. */
export function documentsInOrder(documentIds: readonly string[]): string[] {
  return [...new Set(documentIds)];
}
