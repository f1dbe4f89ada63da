import { createMiddleware } from 'hono/factory';
import { newId } from '@aigw/core';
import type { GatewayEnv } from '../../context.ts';

/**
 * What a client's own request id may look like: 1 to 128 of letters, digits and `._:=+/-` (enough
 * for UUIDs, ULIDs, trace ids and base64). Anything else is dropped, not trimmed: an altered id no
 * longer matches what the client logged, which is all it is for.
 */
export const CLIENT_REQUEST_ID_PATTERN = /^[A-Za-z0-9._:=+/-]{1,128}$/;

/**
 * Two ids per request. `requestId` is the gateway's own (`req_<32 hex>`), generated for every
 * request and sent back as `x-request-id`: it owns session locks, budget reservations, audit
 * entries and usage records, so nothing a client sends can make two requests share one. The
 * client's id (`x-client-request-id`, or `x-request-id` as clients commonly send it) is only a
 * correlation field: echoed as `x-client-request-id`, written on the request log line and beside
 * the server id in the audit ledger. A malformed one is dropped (not echoed) rather than refused:
 * a correlation header must never fail the call it describes.
 *
 * Hono's `requestId` middleware adopts a well-formed client header as the request id, which is
 * exactly what must not happen here, so this replaces it.
 */
export const requestIds = () =>
  createMiddleware<GatewayEnv>(async (c, next) => {
    const requestId = newId('req');
    c.set('requestId', requestId);
    c.header('x-request-id', requestId);
    const sent = c.req.header('x-client-request-id') ?? c.req.header('x-request-id');
    const clientRequestId = sent !== undefined && CLIENT_REQUEST_ID_PATTERN.test(sent) ? sent : undefined;
    c.set('clientRequestId', clientRequestId);
    if (clientRequestId !== undefined) c.header('x-client-request-id', clientRequestId);
    await next();
  });
