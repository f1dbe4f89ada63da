import { GatewayError } from '@aigw/core';
import { z } from 'zod';
import type { Embedder } from './embedder.ts';

export interface OpenAiCompatibleEmbedderOptions {
  /** The provider name from the tenant config; the embedder id is `<name>/<model>`. */
  name: string;
  /** Base URL up to and including /v1. */
  baseUrl: string;
  apiKey?: string | undefined;
  model: string;
  dimensions: number;
  headers?: Record<string, string> | undefined;
  /** Injectable for tests and for routing through a service binding. */
  fetch?: typeof fetch | undefined;
  batchSize?: number | undefined;
}

const responseSchema = z.object({
  data: z.array(z.object({ index: z.int().min(0), embedding: z.array(z.number()) })),
});

/** Any OpenAI-compatible `/embeddings` endpoint (a hosted API or a local model server). */
export class OpenAiCompatibleEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  private readonly url: string;
  private readonly fetcher: typeof fetch;
  private readonly batchSize: number;

  constructor(private readonly options: OpenAiCompatibleEmbedderOptions) {
    this.id = `${options.name}/${options.model}`;
    this.dimensions = options.dimensions;
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/embeddings`;
    this.fetcher = options.fetch ?? fetch;
    this.batchSize = options.batchSize ?? 64;
  }

  async embed(texts: string[]): Promise<number[][]> {
    const out: number[][] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      out.push(...(await this.embedBatch(texts.slice(start, start + this.batchSize))));
    }
    return out;
  }

  private async embedBatch(input: string[]): Promise<number[][]> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...this.options.headers };
    if (this.options.apiKey) headers['authorization'] = `Bearer ${this.options.apiKey}`;
    let response: Response;
    try {
      response = await this.fetcher(this.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: this.options.model, input, encoding_format: 'float' }),
      });
    } catch (cause) {
      throw new GatewayError('upstream_error', `Embedding request to ${this.options.name} failed.`, {
        cause,
      });
    }
    if (!response.ok) {
      throw new GatewayError(
        'upstream_error',
        `Embedding upstream ${this.options.name} answered ${response.status}.`,
        {
          details: { status: response.status },
        },
      );
    }
    const parsed = responseSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success || parsed.data.data.length !== input.length) {
      throw new GatewayError(
        'upstream_error',
        `Embedding upstream ${this.options.name} sent an unexpected body.`,
      );
    }
    // Servers may return items out of order; `index` is authoritative.
    const ordered = [...parsed.data.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
    for (const vector of ordered) {
      if (vector.length !== this.dimensions) {
        throw new GatewayError(
          'misconfigured',
          `Embedder ${this.id} returned ${vector.length} dimensions; the config says ${this.dimensions}.`,
        );
      }
    }
    return ordered;
  }
}
