/**
 * The attribute names and values of the OpenTelemetry GenAI semantic conventions the gateway's
 * spans carry (Development status; the names of semantic-conventions 1.45). Written out here
 * rather than imported: the Worker bundle does not need the package, and a test checks each name
 * against `@opentelemetry/semantic-conventions`.
 */
export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestTemperature: 'gen_ai.request.temperature',
  requestTopP: 'gen_ai.request.top_p',
  conversationId: 'gen_ai.conversation.id',
  toolName: 'gen_ai.tool.name',
  toolType: 'gen_ai.tool.type',
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  dataSourceId: 'gen_ai.data_source.id',
} as const;

/** `gen_ai.operation.name` values. */
export const GEN_AI_OPERATION = {
  chat: 'chat',
  embeddings: 'embeddings',
  executeTool: 'execute_tool',
  retrieval: 'retrieval',
} as const;

/** Non-GenAI attributes the spans use (general and HTTP semantic conventions). */
export const SEMCONV = {
  serviceName: 'service.name',
  serviceVersion: 'service.version',
  errorType: 'error.type',
  httpMethod: 'http.request.method',
  httpRoute: 'http.route',
  httpStatus: 'http.response.status_code',
  serverAddress: 'server.address',
  userId: 'user.id',
  sessionId: 'session.id',
} as const;
