import type { Passage } from '../retrieval/index.ts';

/** A numbered source as answers cite it ([1] is `n: 1`) and as `/search` returns it. */
export interface Source {
  n: number;
  /** Vector id of the chunk. */
  id: string;
  documentId: string;
  title: string | null;
  url: string | null;
  heading: string;
  snippet: string;
  /** Full passage text (for the prompt and support checks; responses may send the snippet only). */
  text: string;
  score: number;
}

const SNIPPET_CHARS = 240;

/** Numbers passages 1..n in retrieval order. */
export function toSources(passages: Passage[]): Source[] {
  return passages.map((passage, i) => ({
    n: i + 1,
    id: passage.id,
    documentId: passage.documentId,
    title: passage.title,
    url: passage.url,
    heading: passage.heading,
    snippet: snippet(passage.text),
    text: passage.text,
    score: passage.score,
  }));
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= SNIPPET_CHARS) return flat;
  const cut = flat.slice(0, SNIPPET_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${cut.slice(0, space > SNIPPET_CHARS / 2 ? space : SNIPPET_CHARS)}…`;
}
