import { GatewayError } from '@aigw/core';
import { sessionIdSchema } from './schema.ts';
import { SessionClient } from './session-client.ts';
import type { SessionDO } from './session-do.ts';

/**
 * The Durable Object name of a session. The tenant comes first and tenant ids contain no ":", so
 * two tenants using the same session id always reach two different objects.
 */
export function sessionObjectName(tenantId: string, sessionId: string): string {
  if (tenantId.length === 0 || tenantId.includes(':')) {
    throw new GatewayError('internal', `Invalid tenant id for a session object name: "${tenantId}"`);
  }
  const parsed = sessionIdSchema.safeParse(sessionId);
  if (!parsed.success) {
    throw new GatewayError(
      'invalid_request',
      `Invalid session id: ${parsed.error.issues[0]?.message ?? ''}`,
      {
        param: 'x-session-id',
      },
    );
  }
  return `${tenantId}:${sessionId}`;
}

/** The client for one tenant's session (see `SessionClient`). */
export function sessionStub(
  namespace: DurableObjectNamespace<SessionDO>,
  tenantId: string,
  sessionId: string,
): SessionClient {
  return new SessionClient(namespace.getByName(sessionObjectName(tenantId, sessionId)), tenantId, sessionId);
}
