import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One document of the quality corpus (scripts/eval-rag/corpus/manifest.json). */
export interface CorpusEntry {
  /** The document id ingested: the npm package name, or `undici/docs/…` for undici's docs. */
  id: string;
  title: string;
  package: string;
  version: string;
  /** SPDX id from the package's package.json. */
  license: string;
  /** The package's licence and notice files, copied into the corpus folder. */
  licenseFiles: string[];
  /** The document's text, relative to the corpus folder. */
  file: string;
  url?: string;
}

export interface CorpusDocument extends CorpusEntry {
  text: string;
}

export const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));

export function loadCorpus(dir = CORPUS_DIR): CorpusDocument[] {
  const entries = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CorpusEntry[];
  return entries.map((entry) => ({ ...entry, text: readFileSync(join(dir, entry.file), 'utf8') }));
}
