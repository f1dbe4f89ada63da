/**
 * The one deterministic token estimate: usage when a provider reports none, session context
 * windows, budget reservations. It follows the shape of
 * BPE tokenisers (words, numbers and punctuation split apart; long words cost more) and lands
 * within roughly ±20% of cl100k on English prose. Figures from it are always marked estimated.
 */
const PIECES = /[\p{L}\p{M}]+|\p{N}{1,3}|[^\s\p{L}\p{M}\p{N}]/gu;

export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const match of text.matchAll(PIECES)) {
    const piece = match[0];
    tokens += /^[\p{L}\p{M}]/u.test(piece) ? Math.max(1, Math.ceil(piece.length / 6)) : 1;
  }
  return tokens;
}

/** Per-message overhead (role and separators), as chat formats add. */
export const MESSAGE_OVERHEAD_TOKENS = 4;

export function estimateMessagesTokens(messages: readonly { content: string }[]): number {
  return messages.reduce(
    (sum, message) => sum + MESSAGE_OVERHEAD_TOKENS + estimateTokens(message.content),
    2,
  );
}
