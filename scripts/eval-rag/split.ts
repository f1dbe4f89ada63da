import { createHash } from 'node:crypto';
import type { Question } from './questions.ts';

/**
 * The questions are split in two halves, fixed by a hash of each question's id (not by its kind,
 * its text or how any retriever does on it): retrieval parameters are chosen on the `tuning` half
 * only, and the `heldout` half says how well the choices carry over. docs/search.md reports both
 * halves and the whole, and which decisions were made on which.
 */
export const SPLITS = ['tuning', 'heldout'] as const;
export type Split = (typeof SPLITS)[number];

/** The salt was chosen once, before any result on either half was seen; never change it. */
const SALT = 'eval-rag split ';

export function splitOf(questionId: string): Split {
  const first = createHash('sha256').update(`${SALT}${questionId}`).digest()[0] ?? 0;
  return (first & 1) === 0 ? 'tuning' : 'heldout';
}

export function questionsIn<T extends Pick<Question, 'id'>>(questions: readonly T[], split: Split): T[] {
  return questions.filter((question) => splitOf(question.id) === split);
}
