import { isStopWord, stem } from './words.ts';

/** The most distinct query terms a search uses; longer questions keep their first ones. */
export const MAX_QUERY_TERMS = 32;

/**
 * Letters and digits, optionally joined by identifier punctuation (`max_age`, `p-limit`,
 * `opts.stopEarly`, `undici:request:create`). `/` is not part of it: paths and URLs are split.
 */
const TOKEN = /[\p{L}\p{N}]+(?:[._\-:][\p{L}\p{N}]+)*/gu;
const JOINERS = /[._\-:]/;
/** Longer chains are sentences or version strings, not identifiers anyone types whole. */
const MAX_JOINED_PARTS = 4;
/** A cheap pre-check (identifiers are ASCII in practice) before splitting camelCase. */
const HAS_CAMEL = /[a-z][A-Z]|[A-Z]{2}[a-z]/;
/** camelCase and PascalCase boundaries: `clearQueue` → clear|Queue, `HTTPProxy` → HTTP|Proxy. */
const CAMEL = /(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/;

function add(out: string[], word: string): void {
  const lower = word.toLowerCase();
  if (isStopWord(lower)) return;
  out.push(stem(lower));
}

function addWord(out: string[], word: string): void {
  add(out, word);
  if (HAS_CAMEL.test(word)) for (const piece of word.split(CAMEL)) add(out, piece);
}

/**
 * The terms the lexical index stores and searches for, in order: the stemmed content words of the
 * text (the same normalisation as embeddings and answer support), plus what technical text needs
 * on top. An identifier is indexed whole and in parts, so `maxRedirections`, `UND_ERR_SOCKET` or
 * `p-limit` match a question that names them exactly (the joined form is rare, so it weighs a
 * lot) and one that spells out "max redirections". Query and document go through the same code,
 * so they always agree.
 */
export function lexicalTerms(text: string): string[] {
  const out: string[] = [];
  for (const [token] of text.matchAll(TOKEN)) {
    if (!JOINERS.test(token)) {
      addWord(out, token);
      continue;
    }
    const parts = token.split(JOINERS);
    if (parts.length <= MAX_JOINED_PARTS) out.push(parts.join('').toLowerCase());
    for (const part of parts) addWord(out, part);
  }
  return out;
}

/** Distinct query terms, at most `MAX_QUERY_TERMS`, in the order they first appear. */
export function queryTerms(query: string): string[] {
  return [...new Set(lexicalTerms(query))].slice(0, MAX_QUERY_TERMS);
}

/**
 * An FTS5 MATCH expression: any of the terms. Terms are letters and digits only, and each is
 * quoted, so nothing a caller types can become FTS5 query syntax.
 */
export function matchExpression(terms: readonly string[]): string {
  return terms.map((term) => `"${term.replaceAll('"', '')}"`).join(' OR ');
}
