import { GatewayError, unwrap } from '@aigw/core';
import type { ResponseStoreDO } from './response-store-do.ts';
import { responseIdSchema, type StoredResponse } from './schema.ts';

/**
 * A ResponseStoreDO stub bound to one tenant and one response id. Every call passes the tenant,
 * so a caller cannot forget it; refusals come back as `GatewayError`s (`not_found`).
 */
export class ResponseStoreClient {
  constructor(
    private readonly stub: DurableObjectStub<ResponseStoreDO>,
    readonly tenantId: string,
    readonly responseId: string,
  ) {}

  async put(input: { response: string; items: string[]; retentionDays: number }): Promise<void> {
    unwrap(await this.stub.put({ ...input, tenantId: this.tenantId, responseId: this.responseId }));
  }

  async get(): Promise<StoredResponse> {
    return unwrap(await this.stub.get({ tenantId: this.tenantId }));
  }

  async remove(): Promise<void> {
    unwrap(await this.stub.remove({ tenantId: this.tenantId }));
  }
}

/**
 * The stored response `responseId` of one tenant. The tenant comes first in the object's name and
 * tenant ids contain no ":", so two tenants never reach the same object. `param` names the request
 * field that carried the id, for the 404 of an id this API never returned.
 */
export function responseStore(
  namespace: DurableObjectNamespace<ResponseStoreDO>,
  tenantId: string,
  responseId: string,
  param?: string,
): ResponseStoreClient {
  if (tenantId.length === 0 || tenantId.includes(':')) {
    throw new GatewayError('internal', `Invalid tenant id for a response object name: "${tenantId}"`);
  }
  if (!responseIdSchema.safeParse(responseId).success) {
    // Malformed ids are answered like unknown ones: there is nothing to find under them.
    throw new GatewayError('not_found', `No response with id "${responseId.slice(0, 80)}" exists.`, {
      ...(param ? { param } : {}),
    });
  }
  return new ResponseStoreClient(namespace.getByName(`${tenantId}:${responseId}`), tenantId, responseId);
}
