/**
 * What an answer says when no retrieved source passes the score floor (or the sources do not hold
 * the answer). The prompt tells the model to reply with exactly this text, and `/search` uses it
 * directly when retrieval found nothing, so an answer is never invented.
 */
export const NO_ANSWER_TEXT =
  "I couldn't find this in the available documents, so I can't answer it reliably.";

/**
 * What `/search` answers when the question has nothing to search for (only stop words or
 * punctuation): not an error, and not "not found" either, since nothing was looked up.
 */
export const NO_TERMS_TEXT =
  'Your question has no words to search for (only common words or punctuation). Ask with the words that matter: a name, an option, an error message.';

export function noAnswer(): { answer: string; confidence: 0; citations: [] } {
  return { answer: NO_ANSWER_TEXT, confidence: 0, citations: [] };
}

/** True when an answer is (or starts with) the no-answer text, or says there was nothing to search for. */
export function isNoAnswer(answer: string): boolean {
  const text = answer.trim();
  return text.startsWith(NO_ANSWER_TEXT) || text.startsWith(NO_TERMS_TEXT);
}
