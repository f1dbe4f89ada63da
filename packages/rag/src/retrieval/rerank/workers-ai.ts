import { GatewayError } from '@aigw/core';
import { z } from 'zod';
import type { AiRunner } from '../../embedders/index.ts';
import type { RerankCandidate, RerankScore, Reranker } from './reranker.ts';

const outputSchema = z.object({
  response: z.array(z.object({ id: z.int().min(0), score: z.number() })),
});

/** The Workers AI cross-encoder (`@cf/baai/bge-reranker-base`); its `id` is the context's index. */
export class WorkersAiReranker implements Reranker {
  readonly id: string;

  constructor(
    private readonly ai: AiRunner,
    private readonly model = '@cf/baai/bge-reranker-base',
  ) {
    this.id = `workers-ai/${model}`;
  }

  async rerank(query: string, candidates: RerankCandidate[]): Promise<RerankScore[]> {
    if (candidates.length === 0) return [];
    let raw: unknown;
    try {
      raw = await this.ai.run(this.model, {
        query,
        contexts: candidates.map((candidate) => ({ text: candidate.text })),
        top_k: candidates.length,
      });
    } catch (cause) {
      throw new GatewayError('upstream_error', `Workers AI rerank failed: ${String(cause)}`, { cause });
    }
    const parsed = outputSchema.safeParse(raw);
    if (!parsed.success)
      throw new GatewayError('upstream_error', 'Workers AI returned an unexpected rerank response.');
    return parsed.data.response.flatMap((item) => {
      const candidate = candidates[item.id];
      return candidate ? [{ id: candidate.id, score: item.score }] : [];
    });
  }
}
