import type { ChatMessage, GenerationParam, GenerationParams, ModelRoute, ToolSpec } from '@aigw/ai';
import type { ApiKeyConfig, TenantConfig } from '@aigw/tenancy';

/** Who a turn is for, as authentication resolved it: nothing here is read from the request body. */
export interface Caller {
  tenant: TenantConfig;
  apiKey: ApiKeyConfig;
  /**
   * The gateway's own id for the request: it owns the session lock and the budget holds and names
   * the usage records. Never the client's id (that is correlation only).
   */
  requestId: string;
  /** The client's connection: aborts when it goes away, which cancels the call. */
  signal: AbortSignal;
}

/**
 * One chat turn, whichever API it came in on. Every parameter is here once: a codec fills it from
 * its API's request and renders the turn's events in its API's shape.
 */
export interface ChatRequest {
  /** The API route, as usage records name it (`/chat`, `/v1/messages`, …). */
  api: string;
  /** The model asked for (`provider/model`, allowed for the tenant); else the tenant's default. */
  model?: string | undefined;
  /** Which of the tenant's default models answers when none is asked for (default `chat`). */
  modelRoute?: ModelRoute | undefined;
  /**
   * The conversation: system messages, then the turns, the new user message last. On a session
   * turn only the system messages and that last message are read: the session holds the history.
   */
  messages: ChatMessage[];
  params: GenerationParams;
  /** The parameters' names in the client's API (`top_p`), so a refusal names what it sent. */
  paramNames?: Partial<Record<GenerationParam, string>> | undefined;
  tools?: ToolRequest | undefined;
  /** Store the turn in this session and send the model its history (docs/sessions.md). */
  sessionId?: string | undefined;
  /** Ground the answer in the tenant's documents; the turn's end lists the sources. */
  rag?: boolean | undefined;
  /**
   * How the response cache treats the request (when the tenant has one): `skip` neither reads nor
   * writes it, `refresh` writes a fresh answer without reading (docs/routing.md).
   */
  cache?: 'default' | 'skip' | 'refresh' | undefined;
  /**
   * The outcome must carry the answer's whole text (the request log keeps content, so a trace's
   * output is the answer), even when the answer is relayed as bytes.
   */
  keepText?: boolean | undefined;
  /**
   * What the caller says about the request (the `x-gateway-metadata` header): route conditions
   * read it (`metadata.<name>`), nothing else does.
   */
  metadata?: Readonly<Record<string, string>> | undefined;
  stream: boolean;
  /**
   * Set by a route that applies its own surface's guardrails to what it sends (/search checks
   * the question and the answer itself): the engine then applies the chat rules to neither.
   */
  guarded?: boolean | undefined;
}

/** The tools a request offers the model. */
export interface ToolRequest {
  /** Gateway tools asked for by name (native `/chat`): each must be enabled, else `not_found`. */
  named?: readonly string[] | undefined;
  /**
   * Function tools in the client's request: those named like a tool the tenant enables run in the
   * gateway, the others are the client's and end the answer as tool calls for it to run.
   */
  offered?: readonly ToolSpec[] | undefined;
}
