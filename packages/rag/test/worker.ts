// Test entry: the Durable Objects under test, and a fetch handler because a Worker needs one.
export { DocumentRegistryDO, LexicalIndexDO, VectorIndexDO } from '../src/index.ts';

export default {
  fetch(): Response {
    return new Response('aigw-rag test worker', { status: 404 });
  },
} satisfies ExportedHandler;
