import { unwrap } from '@aigw/core';
import type { ControlPlaneDO } from './control-plane-do.ts';
import type { Changed, PendingEvent } from './rpc.ts';

/** Where change events go: the tenant's audit ledger (`AuditLedger` of `@aigw/tools` fits). */
export interface ChangeLedger {
  appendChange(event: Omit<PendingEvent, 'seq'>): Promise<unknown>;
}

/** The control-plane object of one tenant: the object is named by the tenant id, so tenants never share one. */
export function controlPlaneStub(
  namespace: DurableObjectNamespace<ControlPlaneDO>,
  tenantId: string,
): DurableObjectStub<ControlPlaneDO> {
  return namespace.getByName(tenantId);
}

/**
 * Delivers a change's audit events (oldest first) to the ledger, then acknowledges them. A ledger
 * that cannot be reached does not fail the change (it is committed, and a created key's secret
 * would otherwise be lost): its events stay in the object's outbox and go out with a change made
 * after their claim lapses (`OUTBOX_CLAIM_MS`), so an event may arrive late, never not at all. An
 * append that succeeded but was not acknowledged is appended again: at least once.
 */
export async function delivered<T>(
  stub: DurableObjectStub<ControlPlaneDO>,
  tenantId: string,
  result: Changed<T>,
  ledger: ChangeLedger,
): Promise<T> {
  const done: number[] = [];
  try {
    for (const { seq, ...event } of result.events) {
      await ledger.appendChange(event);
      done.push(seq);
    }
  } catch (error) {
    console.warn(
      JSON.stringify({
        level: 'warn',
        msg: 'audit ledger unavailable; control-plane events kept for the next change',
        tenantId,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  }
  if (done.length > 0) unwrap(await stub.ack({ tenantId, seqs: done }));
  return result.value;
}
