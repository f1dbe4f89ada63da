import { unwrap } from '@aigw/core';
import type {
  BeginTurnInput,
  CommitTurnInput,
  HistoryInput,
  HistoryPage,
  TenantRef,
  TurnRef,
} from './schema.ts';
import type { SessionDO, TurnCommitted, TurnStarted } from './session-do.ts';

/** The inputs of each call minus the tenant, which the client fixes when it is created. */
type WithoutTenant<T> = Omit<T, 'tenantId'>;

/**
 * A SessionDO stub bound to one tenant. Every call passes that tenant, so a caller cannot forget
 * it, and refusals come back as `GatewayError`s (`not_found`, `session_busy`, `invalid_request`)
 * ready for the gateway's error handler. Failures of the object itself (storage, overload) reject
 * with the runtime's error unchanged.
 */
export class SessionClient {
  constructor(
    private readonly stub: DurableObjectStub<SessionDO>,
    readonly tenantId: string,
    readonly sessionId: string,
  ) {}

  async beginTurn(input: WithoutTenant<BeginTurnInput>): Promise<TurnStarted> {
    return unwrap(await this.stub.beginTurn({ ...input, tenantId: this.tenantId }));
  }

  async commitTurn(input: WithoutTenant<CommitTurnInput>): Promise<TurnCommitted> {
    return unwrap(await this.stub.commitTurn({ ...input, tenantId: this.tenantId }));
  }

  async abortTurn(input: WithoutTenant<TurnRef>): Promise<{ released: boolean }> {
    return unwrap(await this.stub.abortTurn({ ...input, tenantId: this.tenantId }));
  }

  async history(input: WithoutTenant<HistoryInput> = {}): Promise<HistoryPage> {
    return unwrap(await this.stub.history({ ...input, tenantId: this.tenantId }));
  }

  async clear(): Promise<{ cleared: boolean }> {
    const ref: TenantRef = { tenantId: this.tenantId };
    return unwrap(await this.stub.clear(ref));
  }
}
