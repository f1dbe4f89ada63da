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

/** The last character that ends every piece before it: neither letter, mark nor digit. */
const BOUNDARY = /([^\p{L}\p{M}\p{N}])[\p{L}\p{M}\p{N}]*$/u;

/**
 * `estimateTokens` of a text that grows by appending (a streamed answer), in time linear in its
 * length rather than re-reading the whole text at every piece: the text up to its last
 * character that is neither letter, mark nor digit is counted once, since no piece spans such a
 * character, and only the rest is estimated again. Always equal to `estimateTokens` of the whole.
 */
export class TokenCounter {
  private counted = 0;
  private tail = '';

  /** Appends `text`; returns the estimate of everything appended so far. */
  append(text: string): number {
    const combined = this.tail + text;
    // A trailing high surrogate waits for its pair: the two may make one boundary character.
    const last = combined.charCodeAt(combined.length - 1);
    const settled = last >= 0xd800 && last <= 0xdbff ? combined.slice(0, -1) : combined;
    const boundary = BOUNDARY.exec(settled);
    if (boundary === null) {
      this.tail = combined;
    } else {
      // The boundary character may be two code units (an emoji).
      const cut = boundary.index + (boundary[1]?.length ?? 1);
      this.counted += estimateTokens(combined.slice(0, cut));
      this.tail = combined.slice(cut);
    }
    return this.counted + estimateTokens(this.tail);
  }
}

/** Per-message overhead (role and separators), as chat formats add. */
export const MESSAGE_OVERHEAD_TOKENS = 4;

export function estimateMessagesTokens(messages: readonly { content: string }[]): number {
  return messages.reduce(
    (sum, message) => sum + MESSAGE_OVERHEAD_TOKENS + estimateTokens(message.content),
    2,
  );
}
