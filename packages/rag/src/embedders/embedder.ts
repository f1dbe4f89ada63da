/** What the index records about the embedder it was built with. */
export interface EmbedderInfo {
  /** Stable id, e.g. "local/hash-384" or "workers-ai/@cf/baai/bge-base-en-v1.5". */
  id: string;
  dimensions: number;
}

/** Turns texts into vectors, one per text, in order. */
export interface Embedder extends EmbedderInfo {
  embed(texts: string[]): Promise<number[][]>;
}

/** The part of the Workers AI binding the adapters use (the real `Ai` binding satisfies it). */
export interface AiRunner {
  run(model: string, inputs: Record<string, unknown>): Promise<unknown>;
}
