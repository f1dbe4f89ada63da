/**
 * The one pricing table: USD per million tokens, by model id ("provider/model"). Workers AI bills
 * in neurons; the figures here are Cloudflare's published per-token equivalents. A model missing
 * from the table costs 0 and is reported as unpriced, so a missing price is visible rather than
 * silently wrong.
 */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}

export const PRICING: Readonly<Record<string, ModelPrice>> = {
  'local/echo-1': { inputPerMTok: 0, outputPerMTok: 0 },
  'workers-ai/@cf/meta/llama-3.1-8b-instruct': { inputPerMTok: 0.282, outputPerMTok: 0.827 },
  'workers-ai/@cf/meta/llama-3.1-8b-instruct-fast': { inputPerMTok: 0.045, outputPerMTok: 0.384 },
  'workers-ai/@cf/meta/llama-3.3-70b-instruct-fp8-fast': { inputPerMTok: 0.293, outputPerMTok: 2.253 },
  'workers-ai/@cf/mistralai/mistral-small-3.1-24b-instruct': { inputPerMTok: 0.351, outputPerMTok: 0.555 },
  'workers-ai/@cf/baai/bge-base-en-v1.5': { inputPerMTok: 0.067, outputPerMTok: 0 },
  'openai/gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  'openai/gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'openai/gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
};

export interface Cost {
  costUsd: number;
  /** False when the model has no entry in the table (cost reported as 0). */
  priced: boolean;
}

/**
 * Looks up by the full id first, then by the model part alone under any provider name, so a
 * tenant's upstream called "openai" or "oai" prices `gpt-4o-mini` the same way.
 */
export function priceFor(modelId: string): ModelPrice | undefined {
  const exact = PRICING[modelId];
  if (exact) return exact;
  const model = modelId.slice(modelId.indexOf('/') + 1);
  for (const [id, price] of Object.entries(PRICING)) {
    if (id.slice(id.indexOf('/') + 1) === model) return price;
  }
  return undefined;
}

export function costOf(modelId: string, inputTokens: number, outputTokens: number): Cost {
  const price = priceFor(modelId);
  if (!price) return { costUsd: 0, priced: false };
  const usd = (inputTokens * price.inputPerMTok + outputTokens * price.outputPerMTok) / 1_000_000;
  // Micro-dollar precision: enough for per-request figures, free of float noise in sums.
  return { costUsd: Math.round(usd * 1e6) / 1e6, priced: true };
}
