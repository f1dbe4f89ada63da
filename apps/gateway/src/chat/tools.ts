import type { Context } from 'hono';
import { GatewayError } from '@aigw/core';
import { routePath } from 'hono/route';
import type { ChatMessage, ToolSpec } from '@aigw/ai';
import { ingestDocuments } from '@aigw/rag';
import type { UsageRecord } from '@aigw/observability';
import { auditLedger, executeTool, findTool, toolSpec, toolsModelId, type ToolServices } from '@aigw/tools';
import type { GatewayEnv } from '../context.ts';
import { ragDeps, scopeOf } from '../rag/deps.ts';
import { drain, startChat, type ToolLoop, type ToolOutcome } from './chat-service.ts';
import { callerOf, routerDeps } from './deps.ts';
import { holdBudget } from './budget.ts';
import { recordModelCall } from '../lib/model-calls.ts';

/**
 * What tools reach the outside world through: the tenant's tools model (route "tools") and the
 * RAG ingestion of the caller's own tenant. Nothing here takes a tenant from the arguments.
 */
export function toolServices(c: Context<GatewayEnv>): ToolServices {
  return {
    complete: (messages, { signal }) => completeForTool(c, messages, signal),
    ingest: async (docs) => {
      if (!c.get('tenant').features.rag) {
        throw new GatewayError('feature_disabled', 'ingest_documents needs the "rag" feature.');
      }
      return ingestDocuments(ragDeps(c), scopeOf(c), docs);
    },
  };
}

/**
 * One model call a tool makes, accounted like the request's own: the worst case is reserved in the
 * tenant's and the key's budgets first (refused with `budget_exceeded`, before any upstream call,
 * when it does not fit), the answer is capped at what the reservation covers, the real usage is
 * settled after, and the call is recorded as a usage event of its own under the request's id.
 */
async function completeForTool(
  c: Context<GatewayEnv>,
  messages: ChatMessage[],
  signal: AbortSignal,
): Promise<string> {
  const started = Date.now();
  const hold = await holdBudget(c, {
    messages,
    maxTokens: undefined,
    modelId: toolsModelId(c.get('tenant')),
  });
  let usage: Promise<UsageRecord> | undefined;
  try {
    const run = await startChat(
      routerDeps(c),
      {
        ...callerOf(c),
        // The request's route pattern, as on its own usage event, marked as a tool's call.
        httpRoute: `${routePath(c, -1)}#tool`,
        modelRoute: 'tools',
        messages,
        stream: false,
        outputTokenLimit: hold?.outputLimit,
        // The tool's signal covers its timeout; the request's, the client leaving.
        signal: AbortSignal.any([c.req.raw.signal, signal]),
      },
      (record) => {
        usage = record;
      },
    );
    return (await drain(run)).text;
  } finally {
    // startChat reports a record on every path, a failure before the first token included.
    const record = await usage?.catch(() => undefined);
    if (record === undefined) await hold?.release();
    else {
      // As for the chat's own call: a budget write that fails is logged; the tool's answer stands.
      await hold?.settle(record).catch((error: unknown) => {
        console.error(
          JSON.stringify({
            level: 'error',
            msg: 'budget not settled',
            requestId: record.requestId,
            error: String(error),
          }),
        );
      });
      recordModelCall(c, record, started);
    }
  }
}

/** Runs one gateway tool for the caller: enablement, scopes, validation, timeout and audit. */
export async function runTool(
  c: Context<GatewayEnv>,
  name: string,
  rawArgs: unknown,
  signal?: AbortSignal,
): Promise<{ tool: string; result: unknown; latencyMs: number }> {
  const tenant = c.get('tenant');
  const key = c.get('apiKey');
  const ledger = auditLedger(c.env.AUDIT_LEDGER, tenant.id);
  const clientRequestId = c.get('clientRequestId');
  return executeTool({
    name,
    rawArgs,
    tenant,
    settings: tenant.tools,
    scopes: key.scopes,
    keyId: key.id,
    requestId: c.get('requestId'),
    services: toolServices(c),
    // The client's id goes beside the server's, for correlation; the entry is owned by the server id.
    audit: {
      append: (entry) => ledger.append(clientRequestId === undefined ? entry : { ...entry, clientRequestId }),
    },
    signal,
  });
}

/**
 * The tool loop for a chat: the gateway tools among `names` (each must be enabled for the tenant,
 * else `not_found`, as if it did not exist) plus any client tools, which are passed through.
 */
export function chatTools(
  c: Context<GatewayEnv>,
  gatewayNames: readonly string[],
  clientTools: readonly ToolSpec[] = [],
): { specs: ToolSpec[]; loop: ToolLoop } | undefined {
  if (gatewayNames.length === 0 && clientTools.length === 0) return undefined;
  const tenant = c.get('tenant');
  const ours = gatewayNames.map((name) => {
    const tool = tenant.features.tools ? findTool(name, tenant.tools.enabled) : undefined;
    if (tool === undefined)
      throw new GatewayError('not_found', `No tool named "${name}" is available.`, { param: 'tools' });
    return tool;
  });
  const clientNames = new Set(clientTools.map((tool) => tool.name));
  return {
    specs: [...ours.map(toolSpec), ...clientTools],
    loop: {
      maxSteps: tenant.tools.maxSteps,
      // Anything but the client's own tools is the gateway's to run, so a call to a tool the tenant
      // has not enabled is refused (not_found, audited) and never handed on.
      isGatewayTool: (name) => !clientNames.has(name),
      // A model's arguments are validated like any caller's; refusals go back to the model as data.
      execute: async (call, signal): Promise<ToolOutcome> => {
        let args: unknown = call.arguments;
        try {
          args = JSON.parse(call.arguments);
        } catch {
          // Not JSON: passed as the string, which fails validation as invalid_tool_arguments.
        }
        try {
          const execution = await runTool(c, call.name, args, signal);
          return { ok: true, result: execution.result };
        } catch (error) {
          return {
            ok: false,
            error:
              error instanceof GatewayError
                ? error
                : new GatewayError('tool_failed', undefined, { cause: error }),
          };
        }
      },
    },
  };
}

/** Which of the client's OpenAI tools are the gateway's own (enabled for the tenant). */
export function splitClientTools(
  c: Context<GatewayEnv>,
  tools: readonly ToolSpec[],
): { gatewayNames: string[]; clientTools: ToolSpec[] } {
  const tenant = c.get('tenant');
  const enabled = (name: string) =>
    tenant.features.tools && findTool(name, tenant.tools.enabled) !== undefined;
  return {
    gatewayNames: tools.filter((tool) => enabled(tool.name)).map((tool) => tool.name),
    clientTools: tools.filter((tool) => !enabled(tool.name)),
  };
}
