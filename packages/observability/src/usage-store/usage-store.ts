import { GatewayError, tenantIdSchema } from '@aigw/core';
import { unwrap } from '@aigw/core';
import type { SeriesQueryInput, UsageEventInput, UsageMetrics, UsageSeries } from './schema.ts';
import type { SeriesOptions, UsageStoreDO } from './usage-store-do.ts';
import type { BillingExport, BillingQueryInput } from './billing.ts';

/**
 * A usage store stub bound to one tenant: every call passes that tenant, so a caller cannot
 * forget it, and refusals come back as `GatewayError`s (`invalid_request`, `not_found`).
 */
export class UsageStore {
  constructor(
    private readonly stub: DurableObjectStub<UsageStoreDO>,
    readonly tenantId: string,
  ) {}

  async recordMany(events: readonly UsageEventInput[]): Promise<void> {
    unwrap(await this.stub.recordMany(this.tenantId, events));
  }

  async record(event: UsageEventInput): Promise<void> {
    unwrap(await this.stub.record(this.tenantId, event));
  }

  async series(query: SeriesQueryInput, options: SeriesOptions = {}): Promise<UsageSeries> {
    return unwrap(await this.stub.series(this.tenantId, query, options));
  }

  async billing(query: BillingQueryInput): Promise<BillingExport> {
    return unwrap(await this.stub.billing(this.tenantId, query));
  }
}

/** The store of one tenant: the object is named by the tenant id, so tenants never share one. */
export function usageStore(namespace: DurableObjectNamespace<UsageStoreDO>, tenantId: string): UsageStore {
  if (!tenantIdSchema.safeParse(tenantId).success) {
    throw new GatewayError('internal', `Invalid tenant id for a usage store: "${tenantId}"`);
  }
  return new UsageStore(namespace.getByName(tenantId), tenantId);
}

/** One tenant's line in the operator view: its totals, or why they could not be read. */
export type TenantUsage =
  { tenantId: string; total: UsageMetrics } | { tenantId: string; error: { code: string; message: string } };

export interface TenantsUsageOptions {
  /** Objects queried at once (default 8): enough to hide latency, few enough not to flood. */
  concurrency?: number;
  now?: number;
}

/**
 * The operator view across tenants: each tenant's totals over the query's range, read from each
 * tenant's own store, at most `concurrency` at a time, in the order given. One tenant's failure is
 * reported in its line and does not fail the others. Operator routes only: it reads every tenant.
 */
export async function tenantsUsage(
  namespace: DurableObjectNamespace<UsageStoreDO>,
  tenantIds: readonly string[],
  query: Omit<SeriesQueryInput, 'groupBy'>,
  options: TenantsUsageOptions = {},
): Promise<TenantUsage[]> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
  const results = new Array<TenantUsage>(tenantIds.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tenantIds.length) {
      const index = next++;
      const tenantId = tenantIds[index] ?? '';
      try {
        const series = await usageStore(namespace, tenantId).series(
          { from: query.from, to: query.to, granularity: query.granularity },
          options.now === undefined ? {} : { now: options.now },
        );
        results[index] = { tenantId, total: series.total };
      } catch (error) {
        results[index] = {
          tenantId,
          error:
            error instanceof GatewayError
              ? { code: error.code, message: error.message }
              : { code: 'internal', message: error instanceof Error ? error.message : String(error) },
        };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tenantIds.length) }, worker));
  return results;
}
