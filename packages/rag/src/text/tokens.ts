/**
 * Token estimate without a tokenizer: about four characters per token for English text (the
 * usual rule for BPE vocabularies), and never fewer tokens than words. Good enough to size chunks;
 * the model's own count is what billing uses.
 */
export function estimateTokens(text: string): number {
  const trimmed = text.trim();
  if (trimmed.length === 0) return 0;
  const wordCount = trimmed.split(/\s+/).length;
  return Math.max(wordCount, Math.ceil(trimmed.length / 4));
}
