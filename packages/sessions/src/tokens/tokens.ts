/**
 * A deterministic token estimate, used for history messages whose real count is unknown (user
 * messages, answers from providers that report no usage). It follows the shape of BPE tokenisers
 * (words, numbers and punctuation split apart; long words cost more), so context-window decisions
 * are stable across runs and never depend on a network tokeniser.
 */
const PIECES = /[\p{L}\p{M}]+|\p{N}{1,3}|[^\s\p{L}\p{M}\p{N}]/gu;

export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const match of text.matchAll(PIECES)) {
    const piece = match[0];
    tokens += /^[\p{L}\p{M}]/u.test(piece) ? Math.max(1, Math.ceil(piece.length / 4)) : 1;
  }
  return tokens;
}

/** Per-message overhead (role and separators) that chat formats add on top of the content. */
export const MESSAGE_OVERHEAD_TOKENS = 4;
