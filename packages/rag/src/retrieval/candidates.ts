import type { RetrievalMode } from '@aigw/rag/settings';
import { lexicalTerms, type CorpusStats, type LexicalIndex } from '../lexical/index.ts';
import type { RagDeps } from '../pipeline/deps.ts';
import { VECTORIZE_LIMITS, type MetadataFilter, type TenantVectorIndex } from '../vector/index.ts';
import type { DocumentEvidence, FusedCandidate, RankedList } from './fusion.ts';
import { passageText, toPassage, type Passage } from './passage.ts';

/** Candidates from each retriever: BM25 hits, vector matches and latent matches. */
export const CANDIDATE_POOL = VECTORIZE_LIMITS.maxTopK;

interface Tenant {
  index: TenantVectorIndex;
  lexical: LexicalIndex;
}

export interface Candidates {
  /** One list per retriever the mode uses, best first. */
  ranked: RankedList[];
  /** Whole documents by BM25, and the document of each candidate (when known). */
  documents: DocumentEvidence;
  /** Cosine similarity of each vector candidate. */
  cosine: Map<string, number>;
  /** Cosine similarity in the latent semantic model of each latent candidate (hybrid mode). */
  latent: Map<string, number>;
}

/**
 * Both retrievers at once, each with the filter. Vector matches come back without metadata: that
 * is what lets Vectorize return 100 of them instead of 20; the text is read from the lexical
 * index afterwards, for the few candidates that survive fusion.
 */
export async function gatherCandidates(
  deps: RagDeps,
  tenant: Tenant,
  request: { query: string; mode: RetrievalMode; filter: MetadataFilter | undefined },
): Promise<Candidates> {
  const { query, mode, filter } = request;
  const withFilter = filter === undefined ? {} : { filter };
  const latent = mode === 'hybrid' && deps.settings.latent;
  const [lexical, vector] = await Promise.all([
    mode === 'vector' ? undefined : tenant.lexical.search(query, { limit: CANDIDATE_POOL, filter, latent }),
    mode === 'lexical'
      ? undefined
      : deps.embedder.embed([query]).then(([values]) =>
          tenant.index.query(values ?? [], {
            topK: CANDIDATE_POOL,
            // Top-level scalars only (documentId among them), which Vectorize still returns 100 of.
            returnMetadata: 'indexed',
            ...withFilter,
          }),
        ),
  ]);
  const ranked: RankedList[] = [];
  const documentOf = new Map<string, string>();
  if (lexical) {
    ranked.push(lexical.hits);
    for (const hit of lexical.hits) documentOf.set(hit.id, hit.documentId);
  }
  const latentScores = new Map<string, number>();
  if (lexical && lexical.latent.length > 0) {
    ranked.push(lexical.latent);
    for (const hit of lexical.latent) {
      latentScores.set(hit.id, hit.score);
      documentOf.set(hit.id, hit.documentId);
    }
  }
  const cosine = new Map<string, number>();
  if (vector) {
    ranked.push(vector.matches);
    for (const match of vector.matches) {
      cosine.set(match.id, match.score);
      const document = match.metadata?.['documentId'];
      if (typeof document === 'string') documentOf.set(match.id, document);
    }
  }
  // Document-level evidence joins the chunk lists only in hybrid mode: lexical and vector modes
  // stay what their names say.
  const rankedDocuments = mode === 'hybrid' ? (lexical?.documents ?? []) : [];
  return { ranked, documents: { ranked: rankedDocuments, documentOf }, cosine, latent: latentScores };
}

/**
 * The fused candidates as passages, in fused order, with the corpus statistics of the query
 * terms, and each passage's analysed terms. Text comes from the tenant's own lexical index, so an
 * id can only ever become a passage of this tenant. A vector whose chunk the lexical index lacks (a document ingested before the
 * lexical index existed and not re-ingested since) is read from the vector index instead.
 */
export async function loadPassages(
  tenant: Tenant,
  fused: readonly FusedCandidate[],
  terms: string[],
  cosine: ReadonlyMap<string, number>,
): Promise<{ passages: Passage[]; analysed: Map<string, readonly string[]>; stats: CorpusStats }> {
  const ids = fused.map((entry) => entry.id);
  const { chunks, stats } = await tenant.lexical.chunks(ids, terms);
  const found = new Map(chunks.map((chunk) => [chunk.id, chunk.metadata]));
  const analysed = new Map<string, readonly string[]>(chunks.map((chunk) => [chunk.id, chunk.terms]));
  const missing = ids.filter((id) => !found.has(id) && cosine.has(id));
  if (missing.length > 0) {
    const legacy = await tenant.index.getByIds(missing.slice(0, VECTORIZE_LIMITS.maxTopKWithPayload));
    for (const vector of legacy) if (vector.metadata) found.set(vector.id, vector.metadata);
  }
  const passages = ids.flatMap((id) => toPassage(id, found.get(id), cosine.get(id)));
  for (const passage of passages) {
    if (!analysed.has(passage.id)) analysed.set(passage.id, lexicalTerms(passageText(passage)));
  }
  return { passages, analysed, stats };
}
