import { GatewayError } from '@aigw/core';
import { z } from 'zod';
import { WORKERS_AI_EMBEDDING_MODELS, type WorkersAiEmbeddingModel } from '@aigw/rag/settings';
import type { AiRunner, Embedder } from './embedder.ts';

const outputSchema = z.object({ data: z.array(z.array(z.number())) });

/** Workers AI caps a bge request at 100 texts. */
const MAX_BATCH = 100;

/** Embeddings from the Workers AI binding, batched to the model's request limit. */
export class WorkersAiEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;

  constructor(
    private readonly ai: AiRunner,
    private readonly model: WorkersAiEmbeddingModel = '@cf/baai/bge-base-en-v1.5',
    private readonly batchSize: number = MAX_BATCH,
  ) {
    this.id = `workers-ai/${model}`;
    this.dimensions = WORKERS_AI_EMBEDDING_MODELS[model];
  }

  async embed(texts: string[]): Promise<number[][]> {
    const out: number[][] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      const batch = texts.slice(start, start + this.batchSize);
      let raw: unknown;
      try {
        raw = await this.ai.run(this.model, { text: batch });
      } catch (cause) {
        throw new GatewayError('upstream_error', `Workers AI embedding failed: ${String(cause)}`, { cause });
      }
      const parsed = outputSchema.safeParse(raw);
      if (!parsed.success || parsed.data.data.length !== batch.length) {
        throw new GatewayError('upstream_error', 'Workers AI returned an unexpected embedding response.');
      }
      for (const vector of parsed.data.data) {
        if (vector.length !== this.dimensions) {
          throw new GatewayError(
            'upstream_error',
            `Workers AI returned ${vector.length} dimensions, not ${this.dimensions}.`,
          );
        }
        out.push(vector);
      }
    }
    return out;
  }
}
