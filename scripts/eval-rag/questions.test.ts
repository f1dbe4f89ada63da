import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, loadCorpus } from './corpus.ts';
import { QUESTIONS, QUESTION_KINDS } from './questions.ts';

const corpus = loadCorpus();
const byId = new Map(corpus.map((doc) => [doc.id, doc]));
/** Quotes are compared with whitespace runs collapsed: Markdown wraps lines where it likes. */
const flat = (text: string): string => text.replace(/\s+/g, ' ');

describe('retrieval quality suite', () => {
  it('has a few hundred documents, each with its licence files beside it', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    expect(new Set(corpus.map((doc) => doc.id)).size).toBe(corpus.length);
    for (const doc of corpus) {
      expect(doc.licenseFiles.length, doc.id).toBeGreaterThan(0);
      for (const file of doc.licenseFiles) expect(existsSync(join(CORPUS_DIR, file)), file).toBe(true);
    }
  });

  it('has at least 100 questions, of every kind', () => {
    expect(QUESTIONS.length).toBeGreaterThanOrEqual(100);
    expect(new Set(QUESTIONS.map((q) => q.id)).size).toBe(QUESTIONS.length);
    for (const kind of QUESTION_KINDS) {
      expect(QUESTIONS.filter((q) => q.kind === kind).length, kind).toBeGreaterThanOrEqual(30);
    }
  });

  it.each(QUESTIONS.map((q) => [q.id, q] as const))(
    '%s: its gold documents exist and the first holds the evidence quote',
    (_id, question) => {
      for (const id of question.gold) expect(byId.has(id), id).toBe(true);
      const first = byId.get(question.gold[0] ?? '');
      expect(flat(first?.text ?? '')).toContain(flat(question.evidence));
    },
  );
});
