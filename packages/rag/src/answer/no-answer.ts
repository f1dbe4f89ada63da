/**
 * What an answer says when no retrieved source passes the score floor (or the sources do not hold
 * the answer). The prompt tells the model to reply with exactly this text, and `/search` uses it
 * directly when retrieval found nothing, so an answer is never invented.
 */
export const NO_ANSWER_TEXT =
  "I couldn't find this in the available documents, so I can't answer it reliably.";

export function noAnswer(): { answer: string; confidence: 0; citations: [] } {
  return { answer: NO_ANSWER_TEXT, confidence: 0, citations: [] };
}

/** True when an answer is (or starts with) the no-answer text. */
export function isNoAnswer(answer: string): boolean {
  return answer.trim().startsWith(NO_ANSWER_TEXT);
}
