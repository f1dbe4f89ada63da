import { GatewayError, tenantIdSchema, unwrap } from '@aigw/core';
import type { LogRetention } from '@aigw/observability/settings';
import type { RequestLogDO } from './request-log-do.ts';
import type { Feedback, LogEntryDetail, LogEntryInput, LogPage, LogQueryInput } from './schema.ts';

/**
 * A request log stub bound to one tenant: every call passes that tenant, so a caller cannot
 * forget it, and refusals come back as `GatewayError`s (`invalid_request`, `not_found`).
 */
export class RequestLog {
  constructor(
    private readonly stub: DurableObjectStub<RequestLogDO>,
    readonly tenantId: string,
  ) {}

  async write(entries: readonly LogEntryInput[], retention: Partial<LogRetention> = {}): Promise<number> {
    return unwrap(await this.stub.write(this.tenantId, entries, retention)).written;
  }

  async list(query: LogQueryInput): Promise<LogPage> {
    return unwrap(await this.stub.list(this.tenantId, query));
  }

  async get(id: string): Promise<LogEntryDetail> {
    return unwrap(await this.stub.get(this.tenantId, id));
  }

  async feedback(
    id: string,
    feedback: Feedback,
  ): Promise<{ id: string; feedback: Feedback & { at: string } }> {
    return unwrap(await this.stub.feedback(this.tenantId, id, feedback));
  }

  async remove(id: string): Promise<{ deleted: number }> {
    return unwrap(await this.stub.remove(this.tenantId, id));
  }

  async removeUser(user: string): Promise<{ deleted: number }> {
    return unwrap(await this.stub.removeUser(this.tenantId, user));
  }
}

/** The log of one tenant: the object is named by the tenant id, so tenants never share one. */
export function requestLogStore(
  namespace: DurableObjectNamespace<RequestLogDO>,
  tenantId: string,
): RequestLog {
  if (!tenantIdSchema.safeParse(tenantId).success) {
    throw new GatewayError('internal', `Invalid tenant id for a request log: "${tenantId}"`);
  }
  return new RequestLog(namespace.getByName(tenantId), tenantId);
}
