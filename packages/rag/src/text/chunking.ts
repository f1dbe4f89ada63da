import { estimateTokens } from './tokens.ts';

export interface ChunkSettings {
  /** Target chunk size in estimated tokens. */
  chunkTokens: number;
  /** Trailing tokens of one chunk repeated at the start of the next (whole sentences only). */
  overlapTokens: number;
}

export const DEFAULT_CHUNK_SETTINGS: ChunkSettings = { chunkTokens: 256, overlapTokens: 32 };

export interface Chunk {
  index: number;
  text: string;
  /** The Markdown heading path the chunk sits under, outermost first, e.g. ["Billing", "Refunds"]. */
  headings: string[];
  tokens: number;
}

interface Section {
  headings: string[];
  paragraphs: string[];
}

interface Unit {
  text: string;
  tokens: number;
  /** True for the first sentence of a paragraph: a chunk prefers to start here. */
  opensParagraph: boolean;
  paragraphTokens: number;
}

const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;
const FENCE = /^\s*(```|~~~)/;

/** Splits Markdown (or plain text) into heading sections of paragraphs; code fences stay whole. */
function sections(text: string): Section[] {
  const out: Section[] = [];
  let stack: string[] = [];
  let current: Section = { headings: [], paragraphs: [] };
  let paragraph: string[] = [];
  let inFence = false;
  const endParagraph = (): void => {
    const joined = paragraph.join('\n').trim();
    if (joined.length > 0) current.paragraphs.push(joined);
    paragraph = [];
  };
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (FENCE.test(line)) inFence = !inFence;
    const heading = inFence ? null : HEADING.exec(line);
    if (heading?.[1] !== undefined && heading[2] !== undefined) {
      endParagraph();
      if (current.paragraphs.length > 0) out.push(current);
      stack = [...stack.slice(0, heading[1].length - 1), heading[2]];
      // Levels skipped in the source ("#" then "###") leave no empty entries behind.
      current = { headings: stack.filter((entry) => entry.length > 0), paragraphs: [] };
    } else if (!inFence && line.trim() === '') {
      endParagraph();
    } else {
      paragraph.push(line);
    }
  }
  endParagraph();
  if (current.paragraphs.length > 0) out.push(current);
  return out;
}

/** Sentences of a paragraph; list items and code blocks count as one sentence each. */
function sentences(paragraph: string): string[] {
  if (FENCE.test(paragraph)) return [paragraph];
  return paragraph
    .split(/\n(?=\s*(?:[-*+]|\d+[.)])\s)/)
    .flatMap((item) => item.split(/(?<=[.!?]["')\]]?)\s+(?=["'([]?[\p{Lu}\p{N}])/u))
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0);
}

/** A sentence longer than a whole chunk is cut on word boundaries. */
function splitLong(sentence: string, maxTokens: number): string[] {
  if (estimateTokens(sentence) <= maxTokens) return [sentence];
  const pieces: string[] = [];
  let piece: string[] = [];
  for (const word of sentence.split(/\s+/)) {
    if (piece.length > 0 && estimateTokens([...piece, word].join(' ')) > maxTokens) {
      pieces.push(piece.join(' '));
      piece = [];
    }
    piece.push(word);
  }
  if (piece.length > 0) pieces.push(piece.join(' '));
  return pieces;
}

function units(section: Section, maxTokens: number): Unit[] {
  return section.paragraphs.flatMap((paragraph) => {
    const paragraphTokens = estimateTokens(paragraph);
    return sentences(paragraph)
      .flatMap((sentence) => splitLong(sentence, maxTokens))
      .map((text, i) => ({ text, tokens: estimateTokens(text), opensParagraph: i === 0, paragraphTokens }));
  });
}

function join(parts: Unit[]): string {
  return parts
    .map((unit, i) => (i === 0 ? unit.text : `${unit.opensParagraph ? '\n\n' : ' '}${unit.text}`))
    .join('');
}

/**
 * Chunks a document by estimated tokens on sentence and paragraph boundaries. Chunks never span
 * two heading sections, so each carries one heading path; consecutive chunks of a section share up
 * to `overlapTokens` of whole trailing sentences, so an idea cut at a boundary survives in both.
 */
export function chunkText(text: string, settings: ChunkSettings = DEFAULT_CHUNK_SETTINGS): Chunk[] {
  const { chunkTokens, overlapTokens } = settings;
  const chunks: Chunk[] = [];
  for (const section of sections(text)) {
    let current: Unit[] = [];
    let tokens = 0;
    let fresh = 0;
    const flush = (): void => {
      if (fresh === 0) return;
      chunks.push({ index: chunks.length, text: join(current), headings: section.headings, tokens });
      const overlap: Unit[] = [];
      let overlapSize = 0;
      // Never the whole previous chunk: the next one must move on.
      for (let i = current.length - 1; i >= 1; i -= 1) {
        const unit = current[i];
        if (unit === undefined || overlapSize + unit.tokens > overlapTokens) break;
        overlap.unshift(unit);
        overlapSize += unit.tokens;
      }
      current = overlap;
      tokens = overlapSize;
      fresh = 0;
    };
    for (const unit of units(section, chunkTokens)) {
      const overflows = tokens + unit.tokens > chunkTokens;
      // Prefer to break before a paragraph that will not fit, once the chunk is half full.
      const paragraphBreak =
        unit.opensParagraph && tokens + unit.paragraphTokens > chunkTokens && tokens >= chunkTokens / 2;
      if (overflows || paragraphBreak) flush();
      // The overlap itself may leave no room; then the chunk starts clean.
      if (tokens + unit.tokens > chunkTokens) {
        current = [];
        tokens = 0;
      }
      current.push(unit);
      tokens += unit.tokens;
      fresh += 1;
    }
    flush();
  }
  return chunks;
}
