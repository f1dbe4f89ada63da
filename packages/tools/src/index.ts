/**
 * @aigw/tools: the tool registry (Zod schemas published as JSON Schema), per-tenant enablement,
 * the dispatcher (`executeTool`: visibility, scope, argument validation, timeout, typed errors,
 * audit), the built-in tools, and `AuditLedgerDO`, the per-tenant hash-chained audit ledger.
 * The contract and the HTTP routes built on it are in docs/tools.md.
 */
export {
  TOOLS,
  TOOL_NAMES,
  findTool,
  isToolName,
  openAIFunctionSpec,
  toolNameSchema,
  toolSpec,
  toolsForTenant,
} from './registry/index.ts';
export type { OpenAIFunctionSpec, ToolName, ToolRegistry } from './registry/index.ts';
export { toolsSettingsSchema } from '@aigw/tools/settings';
export type { ToolsSettings, ToolsSettingsInput, ToolsSettingsView } from '@aigw/tools/settings';
export { defineTool } from './definition/index.ts';
export type {
  CompleteFn,
  IngestDocumentInput,
  IngestFn,
  IngestOutcome,
  ToolContext,
  ToolDefinition,
  ToolServices,
} from './definition/index.ts';
export { TOOL_ARGUMENT_LIMITS, executeTool, isOfflineModel, toolsModelId } from './execute/index.ts';
export type { ExecuteToolInput, ToolExecution, ToolGuard } from './execute/index.ts';
export { completeStructured } from './model/index.ts';
export {
  AuditLedger,
  AuditLedgerDO,
  auditChangeSchema,
  auditEntryInputSchema,
  auditGuardrailSchema,
  auditLedger,
  MAX_CHANGE_BYTES,
} from './audit/index.ts';
export type {
  AuditChange,
  AuditChangeInput,
  AuditEntry,
  AuditEntryInput,
  AuditGuardrail,
  AuditOutcome,
  AuditPage,
  AuditPageQuery,
  AuditSink,
  AuditVerification,
} from './audit/index.ts';
