import type { Context } from 'hono';
import { TenantCache } from '@aigw/cache';
import {
  DocumentRegistry,
  NO_ANSWER_TEXT,
  NO_TERMS_TEXT,
  applyBlocklist,
  buildRagPrompt,
  clampTopK,
  computeConfidence,
  extractiveAnswer,
  retrieve,
  stripUnknownCitations,
  suggestFollowUps,
  type MetadataFilter,
  type Source,
} from '@aigw/rag';
import { startTurn } from '@aigw/chat';
import { callerOf, engineDeps } from '../chat/engine.ts';
import type { GatewayEnv } from '../context.ts';
import { guardOf } from '../guardrails/index.ts';
import { ragDeps, scopeOf } from './deps.ts';
import { observationOf } from '../logs/index.ts';

/** The usage `model` of answers composed from the sources without calling a model. */
export const EXTRACTIVE = 'local/extractive';

export interface SearchInput {
  query: string;
  topK?: number | undefined;
  filter?: MetadataFilter | undefined;
}

export interface SearchAnswer {
  answer: string;
  sources: {
    id: string;
    documentId: string;
    title: string | null;
    url: string | null;
    snippet: string;
    score: number;
  }[];
  confidence: number;
  followUps: string[];
  cached: boolean;
  usage: { model: string; inputTokens: number; outputTokens: number; costUsd: number; estimated: boolean };
}

/**
 * `/search`: cache lookup first (keyed by tenant, corpus version, normalised query, topK, filter
 * and model, so any ingest or delete makes old answers unreachable), then retrieval, an answer
 * that cites its sources as [n] (from the tenant's search model, or composed extractively from
 * the sources when that model is the offline one), confidence, follow-ups, and the cache write.
 */
export async function searchAnswer(c: Context<GatewayEnv>, asked: SearchInput): Promise<SearchAnswer> {
  const tenant = c.get('tenant');
  // The tenant's search rules: the question before anything (cache key, retrieval, model) sees it,
  // the answer and its snippets before the client does (cached answers included).
  const guard = guardOf(c, 'search');
  const input =
    guard?.checksInput === true ? { ...asked, query: (await guard.input([asked.query]))[0] ?? '' } : asked;
  const guarded = async (answer: Omit<SearchAnswer, 'cached'>): Promise<Omit<SearchAnswer, 'cached'>> => {
    if (guard?.checksOutput !== true) return answer;
    const snippets = (await guard.outputValue(answer.sources.map((source) => source.snippet))) as string[];
    return {
      ...answer,
      answer: await guard.output(answer.answer),
      sources: answer.sources.map((source, i) => ({ ...source, snippet: snippets[i] ?? source.snippet })),
    };
  };
  const scope = scopeOf(c);
  const deps = ragDeps(c);
  const model = tenant.models.search ?? tenant.models.chat;
  const topK = clampTopK(input.topK, tenant.rag.topK);
  const cache = new TenantCache<Omit<SearchAnswer, 'cached'>>({
    kv: c.env.SEARCH_CACHE,
    scope,
    versions: new DocumentRegistry(deps.documents, scope),
    ttlSeconds: tenant.rag.cacheTtlSeconds,
    decode: (value) => value as Omit<SearchAnswer, 'cached'>,
  });
  const lookup = await cache.lookup({ query: input.query, topK, filter: input.filter, model });
  if (lookup.hit && lookup.value !== undefined) {
    c.header('x-cache', 'HIT');
    // A hit costs nothing: the usage is this request's, not the one that filled the cache.
    const usage = { ...lookup.value.usage, inputTokens: 0, outputTokens: 0, costUsd: 0, estimated: false };
    return { ...(await guarded(lookup.value)), usage, cached: true };
  }
  c.header('x-cache', 'MISS');

  const retrieved = await observationOf(c).timed('retrieval', () =>
    retrieve(deps, scope, { query: input.query, topK, filter: input.filter }),
  );
  let answer: string;
  let sources: Source[];
  // Composed without a model call (no sources, or extractively for the offline model).
  let usage: SearchAnswer['usage'] = {
    model: EXTRACTIVE,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    estimated: false,
  };
  if (retrieved.passages.length === 0) {
    // Nothing relevant (or nothing to search for): say so rather than let a model invent an answer.
    answer = retrieved.unsearchable ? NO_TERMS_TEXT : NO_ANSWER_TEXT;
    sources = [];
  } else if (model.startsWith('local/')) {
    ({ answer, sources } = extractiveAnswer(input.query, retrieved.passages));
  } else {
    const prompt = buildRagPrompt(input.query, retrieved.passages);
    const turn = await startTurn(engineDeps(c), callerOf(c), {
      api: '/search',
      modelRoute: 'search',
      messages: [
        { role: 'system', content: prompt.system },
        { role: 'user', content: prompt.user },
      ],
      params: {},
      stream: false,
      // This route applies the search rules itself, to the question and the answer.
      guarded: true,
    });
    // An answer that broke off is an error, never a cached answer.
    const { outcome } = await turn.result();
    answer = stripUnknownCitations(outcome.text.trim(), prompt.sources);
    sources = prompt.sources;
    const { inputTokens, outputTokens, costUsd, estimated } = outcome.usage;
    usage = { model: turn.modelId, inputTokens, outputTokens, costUsd, estimated };
  }

  answer = applyBlocklist(answer, tenant.rag.blocklist).text;
  const { confidence } = computeConfidence({ answer, sources, scoreFloor: tenant.rag.scoreFloor });
  const result: Omit<SearchAnswer, 'cached'> = await guarded({
    answer,
    sources: sources.map(({ id, documentId, title, url, snippet, score }) => ({
      id,
      documentId,
      title,
      url,
      snippet,
      score,
    })),
    confidence,
    followUps: suggestFollowUps(input.query, sources),
    usage,
  });
  await cache.store(lookup, result);
  return { ...result, cached: false };
}
