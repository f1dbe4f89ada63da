import { env } from 'cloudflare:workers';
import { GatewayError } from '@aigw/core';
import { expect } from 'vitest';
import { auditLedger, type AuditLedger } from '../src/audit/index.ts';
import type { ExecuteToolInput } from '../src/execute/index.ts';
import type { CompleteFn, IngestFn, ToolServices } from '../src/definition/index.ts';
import { toolsSettingsSchema, type ToolsSettingsInput } from '@aigw/tools/settings';

/** Shared by the package's tests: fixture text, a fresh tenant per test, and the real ledger. */

export const ARTICLE = `Cloudflare Workers run JavaScript at the edge. Workers start in milliseconds and scale without servers.

Durable Objects give each tenant a single point of coordination. A Durable Object stores its state in SQLite, close to its users.

The weather was pleasant on Tuesday. Durable Objects and Workers together let a gateway keep per-tenant state at the edge.`;

export const PRESS_RELEASE = `Acme Inc announced on 2026-03-14 that Dr Ada Lovelace will lead its new lab in Lisbon.
The lab opens on March 20, 2026 with a budget of $2,500,000 and 42 engineers.
Questions go to press@acme.example or https://acme.example/news/lab.
The Bank of England was not involved.`;

let counter = 0;
/** A tenant id no other test uses: the tests share one Durable Object storage. */
export function freshTenantId(): string {
  return `t${Date.now().toString(36)}-${++counter}`;
}

/** A `complete` that answers from a script, in order, recording each prompt it was sent. */
export function scriptedComplete(answers: string[]): CompleteFn & { calls: Parameters<CompleteFn>[0][] } {
  const calls: Parameters<CompleteFn>[0][] = [];
  const fn = (messages: Parameters<CompleteFn>[0]) => {
    calls.push(messages);
    const answer = answers[calls.length - 1];
    if (answer === undefined) return Promise.reject(new Error('the script has no more answers'));
    return Promise.resolve(answer);
  };
  return Object.assign(fn, { calls });
}

/** Services for offline runs: the model must not be called, and ingest records what it got. */
export function offlineServices(
  overrides: Partial<ToolServices> = {},
): ToolServices & { ingested: Parameters<IngestFn>[0][] } {
  const ingested: Parameters<IngestFn>[0][] = [];
  return {
    complete: () => Promise.reject(new Error('offline tools must not call the model')),
    ingest: (docs) => {
      ingested.push(docs);
      return Promise.resolve({
        added: docs.map((doc) => doc.id),
        updated: [],
        unchanged: [],
        failed: [],
        chunks: docs.length,
        corpusVersion: 1,
      });
    },
    ...overrides,
    ingested,
  };
}

export interface CallOptions {
  tenantId?: string;
  settings?: ToolsSettingsInput;
  scopes?: ExecuteToolInput['scopes'];
  toolsModel?: string;
  services?: ToolServices;
}

/** An `executeTool` input for a tenant whose tools run on `local/echo-1` unless told otherwise. */
export function callInput(
  name: string,
  rawArgs: unknown,
  options: CallOptions = {},
): ExecuteToolInput & { ledger: AuditLedger } {
  const tenantId = options.tenantId ?? freshTenantId();
  const ledger = auditLedger(env.AUDIT_LEDGER, tenantId);
  return {
    name,
    rawArgs,
    tenant: {
      id: tenantId,
      models: {
        chat: 'local/echo-1',
        tools: options.toolsModel,
        fallbacks: [],
        allowed: ['local/echo-1'],
        aliases: {},
      },
    },
    // Test-only tools are not ToolNames, so the default list is built without the schema.
    settings: options.settings
      ? toolsSettingsSchema.parse(options.settings)
      : { ...toolsSettingsSchema.parse({}), enabled: [name] },
    scopes: options.scopes ?? ['tools', 'ingest'],
    keyId: 'key-1',
    requestId: `req-${++counter}`,
    services: options.services ?? offlineServices(),
    audit: ledger,
    ledger,
  };
}

/** The `GatewayError` a promise rejects with (fails the test if it resolves or throws anything else). */
export async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}
