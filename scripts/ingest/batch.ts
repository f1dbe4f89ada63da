/** The gateway accepts at most this many documents per `POST /ingest`. */
export const MAX_DOCS_PER_REQUEST = 100;
export const DEFAULT_BATCH_BYTES = 512 * 1024;

// `{"documents":[` + `]}`: the envelope around the documents in every request body.
const ENVELOPE_BYTES = Buffer.byteLength('{"documents":[]}');

export interface BatchLimits {
  /** Upper bound for a request body, in bytes (UTF-8 JSON). */
  maxBytes: number;
  maxDocs: number;
}

export interface Batch<T> {
  items: T[];
  /** Exact size of `{"documents":[...]}` holding these items. */
  bytes: number;
}

/** The bytes one document adds to a request body (its JSON, without the separating comma). */
export function documentBytes(document: unknown): number {
  return Buffer.byteLength(JSON.stringify(document));
}

/**
 * Packs documents, in order, into request bodies that stay within the byte budget and the document
 * count. A document too large for the budget on its own gets a batch of its own: the gateway
 * decides whether it fits (and answers 413 when it does not).
 */
export class BatchBuilder<T> {
  private items: T[] = [];
  private bytes = ENVELOPE_BYTES;

  constructor(
    private readonly limits: BatchLimits,
    private readonly sizeOf: (item: T) => number,
  ) {}

  /** Adds an item; returns the batch it closed, if adding it did not fit the current one. */
  add(item: T): Batch<T> | undefined {
    const size = this.sizeOf(item);
    const separator = this.items.length > 0 ? 1 : 0;
    let closed: Batch<T> | undefined;
    if (
      this.items.length > 0 &&
      (this.bytes + separator + size > this.limits.maxBytes || this.items.length >= this.limits.maxDocs)
    ) {
      closed = this.flush();
    }
    this.bytes += (this.items.length > 0 ? 1 : 0) + size;
    this.items.push(item);
    return closed;
  }

  /** The open batch, if any, closed; the builder starts over. */
  flush(): Batch<T> | undefined {
    if (this.items.length === 0) return undefined;
    const batch = { items: this.items, bytes: this.bytes };
    this.items = [];
    this.bytes = ENVELOPE_BYTES;
    return batch;
  }
}

/** All batches for a list of documents at once (the CLI streams through `BatchBuilder` instead). */
export function batchDocuments<T>(documents: T[], limits: BatchLimits): Batch<T>[] {
  const builder = new BatchBuilder<T>(limits, documentBytes);
  const batches: Batch<T>[] = [];
  for (const document of documents) {
    const closed = builder.add(document);
    if (closed) batches.push(closed);
  }
  const last = builder.flush();
  if (last) batches.push(last);
  return batches;
}
