import { terms } from '../text/index.ts';
import type { Source } from './sources.ts';

/**
 * Follow-up questions without a model: one per source section the question did not already
 * cover, from the heading (or title) of each retrieved source, in retrieval order. Deterministic.
 */
export function suggestFollowUps(question: string, sources: Source[], max = 3): string[] {
  const asked = new Set(terms(question));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const source of sources) {
    const topic = (source.heading.split(' > ').at(-1) ?? '') || source.title || '';
    const key = topic.toLowerCase();
    if (!topic || seen.has(key)) continue;
    seen.add(key);
    const topicTerms = terms(topic);
    // A section whose every word the question already used would only repeat the question.
    if (topicTerms.length === 0 || topicTerms.every((term) => asked.has(term))) continue;
    const where = source.title && source.title !== topic ? ` in "${source.title}"` : '';
    out.push(`What else should I know about ${topic}${where}?`);
    if (out.length >= max) break;
  }
  return out;
}
