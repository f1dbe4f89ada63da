import { sha256Hex } from '@aigw/core';
import type { TenantScope } from '../scope/index.ts';

/**
 * The vector id of one chunk: SHA-256 over (tenant, document, chunk), hex, exactly 64 bytes, the
 * Vectorize maximum. Vectorize ids are unique across the whole index (not per namespace), so the
 * tenant is part of the hash: two tenants' `doc-1` can never collide or overwrite each other.
 * JSON encoding keeps the three parts unambiguous whatever characters a document id contains.
 */
export function vectorId(scope: TenantScope, documentId: string, chunkIndex: number): Promise<string> {
  return sha256Hex(JSON.stringify([scope.tenantId, documentId, chunkIndex]));
}
