export { ResponseStoreDO } from './response-store-do.ts';
export { ResponseStoreClient, responseStore } from './client.ts';
export { responseIdSchema } from './schema.ts';
export type { PutResponseInput, ResponseRef, ResponseStoreErrorCode, StoredResponse } from './schema.ts';
