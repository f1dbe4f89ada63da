import {
  GatewayError,
  JSON_MAX_DEPTH,
  checkJsonText,
  isGatewayError,
  sha256Hex,
  toValidationIssues,
  type JsonLimits,
  type ValidationIssue,
} from '@aigw/core';
import type { Scope, TenantConfig } from '@aigw/tenancy';
import { auditGuardrailSchema, canonicalJson, type AuditGuardrail, type AuditSink } from '../audit/index.ts';
import type { ToolContext, ToolDefinition, ToolServices } from '../definition/index.ts';
import { TOOLS, findTool, type ToolRegistry } from '../registry/index.ts';
import type { ToolsSettingsView } from '@aigw/tools/settings';

export interface ExecuteToolInput {
  /** The tool name as the caller or the model gave it; unknown and disabled names are `not_found`. */
  name: string;
  /** The arguments exactly as received (parsed JSON); validated here, hashed for the audit entry. */
  rawArgs: unknown;
  /** The authenticated tenant: its id, and its models (the tools model decides offline or not). */
  tenant: Pick<TenantConfig, 'id' | 'models'>;
  /** The tenant's `tools` settings (`toolsSettingsSchema`). */
  settings: ToolsSettingsView;
  /** The calling key's scopes. */
  scopes: readonly Scope[];
  keyId: string;
  requestId: string;
  services: ToolServices;
  /** Receives one entry per execution, whatever the outcome (the tenant's `AuditLedger`). */
  audit: AuditSink;
  /** Aborts the tool when the caller goes away. */
  signal?: AbortSignal | undefined;
  /** The tenant's guardrails on the tools surface (arguments in, result out); none when undefined. */
  guard?: ToolGuard | undefined;
}

/**
 * Guardrails around one tool run (`@aigw/guardrails`' Guard): the arguments after validation, the
 * result after its schema check. Each returns the value with matches redacted, or throws
 * `guardrail_blocked`, which the audit entry records with the rule that blocked.
 */
export interface ToolGuard {
  inputValue(value: unknown): Promise<unknown>;
  outputValue(value: unknown): Promise<unknown>;
}

export interface ToolExecution {
  tool: string;
  /** The tool's result, already checked against its result schema. */
  result: unknown;
  latencyMs: number;
}

/**
 * Bounds on any tool's arguments, whoever sent them (a client's body or a model's tool call):
 * as deep as any JSON the gateway takes, and as large as the default request body.
 */
export const TOOL_ARGUMENT_LIMITS: JsonLimits = { maxDepth: JSON_MAX_DEPTH, maxBytes: 1_048_576 };

/** The model the built-in tools run on: `models.tools`, else the chat model. */
export function toolsModelId(tenant: Pick<TenantConfig, 'models'>): string {
  return tenant.models.tools ?? tenant.models.chat;
}

/** Offline tools model: the deterministic `local` provider, no account or network. */
export function isOfflineModel(modelId: string): boolean {
  return modelId.startsWith('local/');
}

/**
 * Runs one tool for one tenant, in this order: visibility (not enabled → `not_found`, exactly as
 * for a name that does not exist), the key's scope (`insufficient_scope`), the arguments
 * (`invalid_tool_arguments`, every issue with its path), then the tool under its timeout
 * (`tool_timeout`). A result that fails the tool's result schema, and any exception that is not a
 * `GatewayError`, become `tool_failed`; a `GatewayError` a tool throws (an upstream failure, say)
 * keeps its code. Nothing else escapes.
 *
 * Every call, refused or not, is appended to `audit` before this returns. If the ledger cannot
 * record it the call fails with `internal`: an unaudited execution is not reported as a success.
 */
export async function executeTool(
  input: ExecuteToolInput,
  registry: ToolRegistry = TOOLS,
): Promise<ToolExecution> {
  const started = Date.now();
  let outcome: { ok: true; result: unknown } | { ok: false; error: GatewayError };
  // Canonicalised once: the bounds check reads it and the audit entry hashes it. canonicalJson
  // does not recurse, so even arguments far past the limits are hashed and the refusal audited.
  let canonical: string | undefined;
  try {
    canonical = canonicalJson(input.rawArgs);
    outcome = { ok: true, result: await dispatch(input, canonical, registry) };
  } catch (error) {
    outcome = { ok: false, error: asToolError(error) };
  }
  const latencyMs = Math.max(0, Date.now() - started);

  try {
    await input.audit.append({
      requestId: input.requestId,
      keyId: input.keyId,
      tool: input.name.slice(0, 64) || '(empty)',
      // Only a value JSON cannot hold (a cycle, a bigint) has no canonical form; never from a body.
      argsHash: await sha256Hex(canonical ?? '(not JSON)'),
      outcome: outcome.ok ? 'ok' : outcome.error.code,
      latencyMs,
      ...(outcome.ok ? {} : guardrailOf(outcome.error)),
    });
  } catch (cause) {
    throw new GatewayError('internal', 'The tool audit ledger could not record this call.', { cause });
  }

  if (!outcome.ok) throw outcome.error;
  return { tool: input.name, result: outcome.result, latencyMs };
}

async function dispatch(
  input: ExecuteToolInput,
  canonical: string,
  registry: ToolRegistry,
): Promise<unknown> {
  const tool = findTool(input.name, input.settings.enabled, registry);
  if (tool === undefined) {
    throw new GatewayError('not_found', `No tool named "${input.name.slice(0, 64)}" is available.`);
  }
  if (!input.scopes.includes(tool.scope)) {
    throw new GatewayError('insufficient_scope', `The tool "${tool.name}" needs the "${tool.scope}" scope.`, {
      details: { required: tool.scope, granted: [...input.scopes] },
    });
  }

  // Bounds before the schema: nothing walks arguments deeper or larger than the limits.
  const bounds = checkJsonText(canonical, TOOL_ARGUMENT_LIMITS);
  if (bounds !== undefined) throw invalidArguments(tool.name, [bounds]);
  const args = tool.args.safeParse(input.rawArgs);
  if (!args.success)
    throw invalidArguments(
      tool.name,
      toValidationIssues(args.error, input.rawArgs, { whole: '(arguments)' }),
    );

  const modelId = toolsModelId(input.tenant);
  // Validated first, so a refusal names the argument at fault; the tool then runs on what passed.
  const guarded = input.guard === undefined ? args.data : await input.guard.inputValue(args.data);
  const raw = await withTimeout(tool, input.signal, (signal) =>
    tool.run(guarded, {
      ...input.services,
      tenantId: input.tenant.id,
      requestId: input.requestId,
      keyId: input.keyId,
      modelId,
      offline: isOfflineModel(modelId),
      settings: input.settings,
      signal,
    } satisfies ToolContext),
  );

  // Offline results are ours and model results were checked already; this guards every tool alike.
  const result = tool.result.safeParse(raw);
  if (!result.success) {
    throw new GatewayError('tool_failed', `The tool "${tool.name}" returned a result outside its schema.`, {
      details: { issues: toValidationIssues(result.error) },
    });
  }
  return input.guard === undefined ? result.data : input.guard.outputValue(result.data);
}

/** The rule behind a `guardrail_blocked` refusal, for its audit entry. */
function guardrailOf(error: GatewayError): { guardrail?: AuditGuardrail } {
  if (error.code !== 'guardrail_blocked') return {};
  const parsed = auditGuardrailSchema.safeParse(error.details);
  return parsed.success ? { guardrail: parsed.data } : {};
}

/**
 * Races the tool against its `timeoutMs`. On timeout the tool's signal aborts (so its model call
 * is cancelled) and the caller gets `tool_timeout` at once, whether or not the tool stops.
 */
async function withTimeout<T>(
  tool: ToolDefinition,
  parent: AbortSignal | undefined,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const signal = parent ? AbortSignal.any([parent, controller.signal]) : controller.signal;
  const timeoutError = new GatewayError(
    'tool_timeout',
    `The tool "${tool.name}" did not finish within ${tool.timeoutMs} ms.`,
    { details: { timeoutMs: tool.timeoutMs } },
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      // Reject before aborting: abort listeners run synchronously, and a tool that rejects from
      // one must not win the race with its own error.
      reject(timeoutError);
      controller.abort(timeoutError);
    }, tool.timeoutMs);
  });
  try {
    return await Promise.race([run(signal), timeout]);
  } catch (error) {
    throw controller.signal.aborted ? timeoutError : error;
  } finally {
    clearTimeout(timer);
  }
}

function invalidArguments(tool: string, issues: ValidationIssue[]): GatewayError {
  const summary = issues
    .slice(0, 3)
    .map((issue) => issue.message)
    .join('; ');
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return new GatewayError('invalid_tool_arguments', `Invalid arguments for "${tool}": ${summary}${more}`, {
    details: { issues },
  });
}

/** The raw exception stays in `cause` (for logs), never in the message a caller sees. */
function asToolError(error: unknown): GatewayError {
  if (isGatewayError(error)) return error;
  return new GatewayError('tool_failed', undefined, { cause: error });
}
