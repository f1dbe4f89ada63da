import type { ChatMessage } from '@aigw/ai';
import type { Scope } from '@aigw/tenancy';
import type { z } from 'zod';
import type { ToolsSettingsView } from '@aigw/tools/settings';

/**
 * One model call that returns the whole answer as text. The gateway implements it with
 * `routeChat` on the tenant's tools model (`models.tools ?? models.chat`), so retries, fallback,
 * the circuit breaker and usage accounting apply to tool calls exactly as to chat.
 */
export type CompleteFn = (messages: ChatMessage[], options: { signal: AbortSignal }) => Promise<string>;

/** A document as `ingest_documents` hands it to the RAG pipeline. */
export interface IngestDocumentInput {
  id: string;
  text: string;
  title?: string | undefined;
  url?: string | undefined;
  source?: string | undefined;
  metadata?: Record<string, string | number | boolean | string[]> | undefined;
}

/** What the RAG pipeline reports back for one ingestion call. */
export interface IngestOutcome {
  added: string[];
  updated: string[];
  unchanged: string[];
  failed: { id: string; code: string; message: string }[];
  chunks: number;
  corpusVersion: number;
}

/**
 * Runs RAG ingestion for the calling tenant. The gateway binds it to the authenticated tenant
 * before it reaches a tool, so no tool argument can name another tenant's corpus.
 */
export type IngestFn = (
  docs: IngestDocumentInput[],
  options: { signal: AbortSignal },
) => Promise<IngestOutcome>;

/** The capabilities the gateway injects; tools reach the outside world only through these. */
export interface ToolServices {
  complete: CompleteFn;
  ingest: IngestFn;
}

/** Everything a tool's `run` may use. Built per execution by `executeTool`. */
export interface ToolContext extends ToolServices {
  tenantId: string;
  requestId: string;
  keyId: string;
  /** The tenant's tools model, "provider/model". */
  modelId: string;
  /** True when `modelId` is on the offline `local` provider: tools use their deterministic method. */
  offline: boolean;
  settings: ToolsSettingsView;
  /** Aborts on the tool's timeout or when the caller goes away. */
  signal: AbortSignal;
}

/**
 * A tool, defined once: the argument schema is what callers and models see (as JSON Schema), the
 * result schema is checked on every result, offline or from a model.
 */
export interface ToolDefinition<
  N extends string = string,
  A extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  /** Matches OpenAI's function-name rule: letters, digits, "_" and "-", at most 64. */
  readonly name: N;
  /** Shown to models: say what the tool does and when to use it. */
  readonly description: string;
  readonly args: A;
  readonly result: R;
  /** The key scope a caller needs, on top of the route's own. */
  readonly scope: Scope;
  /** Whether running it changes state (a model loop may want to confirm such calls). */
  readonly sideEffects: boolean;
  /** Wall time allowed for one execution, model calls included. */
  readonly timeoutMs: number;
  // Method syntax on purpose: it lets a map of specific tools satisfy `ToolDefinition` (parameter bivariance).
  run(args: z.output<A>, ctx: ToolContext): Promise<z.output<R>>;
}

/** Fills the defaults (`scope: 'tools'`) and keeps the literal name and schema types. */
export function defineTool<N extends string, A extends z.ZodType, R extends z.ZodType>(
  definition: Omit<ToolDefinition<N, A, R>, 'scope'> & { scope?: Scope },
): ToolDefinition<N, A, R> {
  return { ...definition, scope: definition.scope ?? 'tools' };
}
