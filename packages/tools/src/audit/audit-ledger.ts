import { GatewayError, canonicalJson, sha256Hex } from '@aigw/core';
import type { AuditLedgerDO } from './audit-ledger-do.ts';
import { unwrap } from '@aigw/core';
import type {
  AuditChangeInput,
  AuditEntry,
  AuditEntryInput,
  AuditPage,
  AuditPageQuery,
  AuditSink,
  AuditVerification,
} from './schema.ts';

/**
 * An audit ledger stub bound to one tenant: every call passes that tenant, so a caller cannot
 * forget it, and refusals come back as `GatewayError`s. Pass it to `executeTool` as the audit sink.
 */
export class AuditLedger implements AuditSink {
  constructor(
    private readonly stub: DurableObjectStub<AuditLedgerDO>,
    readonly tenantId: string,
  ) {}

  async append(entry: AuditEntryInput): Promise<AuditEntry> {
    return unwrap(await this.stub.append(this.tenantId, entry));
  }

  /** Records a control-plane change: an entry whose `tool` is the action and `argsHash` the change's hash. */
  async appendChange(input: AuditChangeInput): Promise<AuditEntry> {
    return this.append({
      requestId: input.requestId,
      ...(input.clientRequestId === undefined ? {} : { clientRequestId: input.clientRequestId }),
      keyId: input.keyId,
      tool: input.change.action,
      argsHash: await sha256Hex(canonicalJson(input.change)),
      outcome: 'ok',
      latencyMs: 0,
      change: input.change,
    });
  }

  async page(query: AuditPageQuery = {}): Promise<AuditPage> {
    return unwrap(await this.stub.page(this.tenantId, query));
  }

  async verify(): Promise<AuditVerification> {
    return unwrap(await this.stub.verify(this.tenantId));
  }
}

/** The ledger of one tenant: the object is named by the tenant id, so tenants never share one. */
export function auditLedger(namespace: DurableObjectNamespace<AuditLedgerDO>, tenantId: string): AuditLedger {
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(tenantId)) {
    throw new GatewayError('internal', `Invalid tenant id for an audit ledger: "${tenantId}"`);
  }
  return new AuditLedger(namespace.getByName(tenantId), tenantId);
}
