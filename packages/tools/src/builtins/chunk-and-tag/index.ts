export {
  chunkAndTagArgsSchema,
  chunkAndTagResultSchema,
  chunkAndTagTool,
  chunkDocument,
  tagOffline,
} from './chunk-and-tag.ts';
export type { ChunkAndTagArgs, ChunkAndTagResult } from './chunk-and-tag.ts';
