import { z } from '@hono/zod-openapi';
import { GatewayError } from '@aigw/core';
import type { GenerationParams, ResponseFormat, ToolChoice } from '@aigw/ai';
import { sessionIdSchema } from '@aigw/sessions';

/**
 * The generation parameters' value rules, shared by every codec: each API names them its own way
 * (`top_p`, `topP`), but a value the gateway accepts is the same everywhere.
 */
export const param = {
  temperature: z.number().min(0).max(2),
  topP: z.number().min(0).max(1),
  topK: z.int().min(1).max(1000),
  /** Up to four sequences, as OpenAI allows; a single string is one sequence. */
  stop: z.union([z.string().min(1).max(256), z.array(z.string().min(1).max(256)).max(4)]),
  seed: z
    .int()
    .min(-(2 ** 53) + 1)
    .max(2 ** 53 - 1),
  penalty: z.number().min(-2).max(2),
  user: z.string().max(256),
  maxTokens: z.int().min(1).max(32_768),
  /** A JSON Schema's name, as OpenAI restricts it. */
  schemaName: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" and "-", 1 to 64'),
  jsonSchema: z.record(z.string(), z.unknown()),
};

/**
 * A flat answer format (`type` beside the schema's fields): the native API's `responseFormat` and
 * the Responses API's `text.format`, which differ only in whether `strict` may be `null`.
 */
export function flatResponseFormat<S extends z.ZodType>(strict: S) {
  return z.discriminatedUnion('type', [
    z.object({ type: z.literal('text') }),
    z.object({ type: z.literal('json_object') }),
    z.object({
      type: z.literal('json_schema'),
      name: param.schemaName,
      schema: param.jsonSchema,
      description: z.string().max(1024).optional(),
      strict,
    }),
  ]);
}

/** `stop` as the engine takes it: a list (a single string is one sequence). */
export function stopList(stop: string | string[] | null | undefined): string[] | undefined {
  if (stop === null || stop === undefined) return undefined;
  return typeof stop === 'string' ? [stop] : stop;
}

/** OpenAI's `response_format` (chat completions) or `text.format` (Responses) as the engine's. */
export function responseFormatOf(
  format:
    | { type: 'text' }
    | { type: 'json_object' }
    | {
        type: 'json_schema';
        name: string;
        schema?: Record<string, unknown> | undefined;
        description?: string | undefined;
        strict?: boolean | null | undefined;
      }
    | null
    | undefined,
): ResponseFormat | undefined {
  if (format === null || format === undefined) return undefined;
  if (format.type !== 'json_schema') return { type: format.type };
  return {
    type: 'json_schema',
    name: format.name,
    schema: format.schema ?? {},
    description: format.description,
    strict: format.strict ?? undefined,
  };
}

/** OpenAI's `tool_choice` (`"auto"`, `"none"`, `"required"` or a named function) as the engine's. */
export function toolChoiceOf(
  choice:
    | 'auto'
    | 'none'
    | 'required'
    | { type: 'function'; function?: { name: string } | undefined; name?: string | undefined }
    | null
    | undefined,
  param = 'tool_choice',
): ToolChoice | undefined {
  if (choice === null || choice === undefined) return undefined;
  if (typeof choice === 'string') return choice;
  const name = choice.function?.name ?? choice.name;
  if (name === undefined)
    throw new GatewayError('invalid_request', `${param}: a function choice needs its name.`, { param });
  return { name };
}

/** Removes the parameters left undefined, so a request carries only what its client set. */
export function definedParams(params: GenerationParams): GenerationParams {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
}

/**
 * `x-gateway-metadata`: a JSON object of strings describing the request, which route conditions
 * read (`metadata.<name>`). Bounded: at most 32 fields, names of 64 and values of 256 characters.
 */
export function metadataFromHeader(value: string | undefined): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const refuse = (why: string) =>
    new GatewayError('invalid_request', `x-gateway-metadata: ${why}.`, { param: 'x-gateway-metadata' });
  if (value.length > 16_384) throw refuse('at most 16,384 characters');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw refuse('not JSON; send an object of strings, e.g. {"plan":"free"}');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw refuse('expected a JSON object');
  const entries = Object.entries(parsed);
  if (entries.length > 32) throw refuse(`${entries.length} fields, at most 32 allowed`);
  for (const [name, field] of entries) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name))
      throw refuse(`the field name "${name.slice(0, 64)}" is not letters, digits, "_" or "-" (1 to 64)`);
    if (typeof field !== 'string' || field.length > 256)
      throw refuse(`"${name}" must be a string of at most 256 characters`);
  }
  return Object.fromEntries(entries);
}

/** `x-session-id` on the `/v1` APIs: a session turn on that id, validated as the native field is. */
export function sessionFromHeader(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = sessionIdSchema.safeParse(value);
  if (!parsed.success) {
    throw new GatewayError(
      'invalid_request',
      `x-session-id: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      {
        param: 'x-session-id',
      },
    );
  }
  return parsed.data;
}
