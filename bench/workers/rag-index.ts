/**
 * The local vector index on its own: the real `VectorIndexDO` behind the real `LocalVectorStore`
 * from '@aigw/rag', in workerd, without the gateway's routing, auth or embedder. Used by
 * bench/lib/rag.mjs to time queries at several index sizes and dimensions.
 *
 * Vectors and queries are generated here from a seed (a deterministic PRNG), so no request body
 * carries them and every run queries the same index.
 *
 * - `POST /seed   {"index","count","dims","seed"}`: fills an empty index (one object per index
 *   name) with `count` random unit vectors and chunk-like metadata, in batches of 1,000.
 * - `POST /query  {"index","dims","count","seed","topK","returnMetadata"}`: runs `count` (default
 *   1) random queries one after another. The caller times each request: workerd's clock only
 *   advances at I/O and reads whole milliseconds, too coarse for a 1k-vector query.
 * - `POST /floor  {...}`: the same request without the query: the HTTP and Worker floor.
 */
import { LocalVectorStore, type MetadataReturn, type VectorRecord } from '@aigw/rag';
import { prng } from '../lib/prng.mjs';

export { VectorIndexDO } from '@aigw/rag';

interface IndexBenchEnv {
  VECTOR_INDEX: DurableObjectNamespace<import('@aigw/rag').VectorIndexDO>;
}

/** A random unit vector (Gaussian components via Box-Muller, then normalised). */
function unitVector(random: () => number, dims: number): number[] {
  const values = new Array<number>(dims);
  let sum = 0;
  for (let i = 0; i < dims; i++) {
    const u = Math.max(random(), 1e-12);
    const value = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    values[i] = value;
    sum += value * value;
  }
  const norm = Math.sqrt(sum) || 1;
  for (let i = 0; i < dims; i++) values[i] = (values[i] ?? 0) / norm;
  return values;
}

const FILLER =
  'Retrieval augmented generation grounds an answer in passages of the tenant corpus. Each passage ' +
  'is a chunk of a document with its heading path, stored next to its vector as metadata. ';

/** Metadata shaped like the gateway's chunk metadata (about 1 KB, mostly the chunk text). */
function chunkMetadata(index: string, position: number) {
  const documentId = `doc-${Math.floor(position / 8)}`;
  return {
    tenant: index,
    documentId,
    chunk: position % 8,
    heading: `Guide > Section ${position % 97}`,
    title: `Document ${documentId}`,
    text: `${FILLER.repeat(6)}(${position})`,
  };
}

function storeFor(env: IndexBenchEnv, index: string): LocalVectorStore {
  return new LocalVectorStore(env.VECTOR_INDEX, { tenantId: index });
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method !== 'POST') return new Response('POST only', { status: 405 });
    const body: Record<string, unknown> = await request.json();
    const index = String(body['index']);
    const dims = Number(body['dims']);
    const count = Number(body['count'] ?? 1);
    const random = prng(Number(body['seed'] ?? 1));
    const store = storeFor(env, index);

    if (url.pathname === '/seed') {
      const before = await store.describe();
      if (before.vectorCount > 0) return Response.json({ ...before, seeded: 0 });
      for (let start = 0; start < count; start += 1000) {
        const batch: VectorRecord[] = [];
        for (let i = start; i < Math.min(count, start + 1000); i++) {
          batch.push({ id: `v${i}`, values: unitVector(random, dims), metadata: chunkMetadata(index, i) });
        }
        await store.upsert(batch);
      }
      return Response.json({ ...(await store.describe()), seeded: count });
    }

    if (url.pathname === '/query' || url.pathname === '/floor') {
      const topK = Number(body['topK'] ?? 5);
      const requested = body['returnMetadata'];
      const returnMetadata: MetadataReturn =
        requested === 'all' || requested === 'indexed' ? requested : 'none';
      let matches = 0;
      let withMetadata = 0;
      for (let i = 0; i < count; i++) {
        const vector = unitVector(random, dims);
        if (url.pathname === '/floor') continue;
        const result = await store.query(vector, { topK, returnMetadata });
        matches += result.count;
        for (const match of result.matches) {
          if (match.metadata) withMetadata++;
        }
      }
      return Response.json({ matches, withMetadata });
    }
    return new Response('not found', { status: 404 });
  },
} satisfies ExportedHandler<IndexBenchEnv>;
