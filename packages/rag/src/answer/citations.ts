import type { Source } from './sources.ts';

export interface Citation {
  /** The number as written in the answer. */
  marker: number;
  source: Source;
  /** Character offset of the marker in the answer. */
  offset: number;
}

export interface CitationResult {
  citations: Citation[];
  /** Each cited source once, in order of first citation. */
  cited: Source[];
  /** Markers that name no source (the model invented them); they must not be shown as links. */
  unknown: number[];
}

/** `[1]`, `[2, 3]`, `[2][3]` and `[1-3]` are all recognised. */
const MARKER = /\[(\d+(?:\s*[-–,]\s*\d+)*)\]/g;

function expand(inner: string): number[] {
  return inner.split(',').flatMap((part) => {
    const [from, to] = part.split(/[-–]/).map((value) => Number(value.trim()));
    if (from === undefined) return [];
    if (to === undefined || to < from || to - from > 50) return [from];
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
}

/** Maps [n] markers in an answer to the numbered sources they name. */
export function extractCitations(answer: string, sources: Source[]): CitationResult {
  const byNumber = new Map(sources.map((source) => [source.n, source]));
  const citations: Citation[] = [];
  const unknown = new Set<number>();
  for (const match of answer.matchAll(MARKER)) {
    for (const marker of expand(match[1] ?? '')) {
      const source = byNumber.get(marker);
      if (source) citations.push({ marker, source, offset: match.index });
      else unknown.add(marker);
    }
  }
  const cited: Source[] = [];
  for (const citation of citations) if (!cited.includes(citation.source)) cited.push(citation.source);
  return { citations, cited, unknown: [...unknown] };
}

/** Removes markers that name no source, so an answer never links to something that does not exist. */
export function stripUnknownCitations(answer: string, sources: Source[]): string {
  const known = new Set(sources.map((source) => source.n));
  return answer.replace(MARKER, (whole, inner: string) => {
    const kept = expand(inner).filter((n) => known.has(n));
    return kept.length === 0 ? '' : kept.length === expand(inner).length ? whole : `[${kept.join(', ')}]`;
  });
}
