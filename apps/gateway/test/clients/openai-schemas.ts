import Ajv, { type ValidateFunction } from 'ajv';
import { expect } from 'vitest';
import spec from './fixtures/openai-chat-schemas.json';

/**
 * OpenAI's own response schemas (extracted from its OpenAPI document into the fixture), compiled
 * with ajv. OpenAPI's `nullable: true` is not JSON Schema, so it is turned into an explicit `null`
 * alternative first; OpenAPI's extra keywords (`x-*`, `discriminator`, `example`) are ignored.
 */
export type OpenAISchemaName =
  'CreateChatCompletionResponse' | 'CreateChatCompletionStreamResponse' | 'CreateEmbeddingResponse';

function withNullTypes(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withNullTypes);
  if (node === null || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const out = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, withNullTypes(value)]));
  if (nullable !== true) return out;
  if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
  if (typeof out.type === 'string') return { ...out, type: [out.type, 'null'] };
  return { anyOf: [out, { type: 'null' }] };
}

// `format`s are OpenAPI annotations here (`unixtime`, `float`), not constraints ajv knows.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema(withNullTypes(spec) as object, 'openai');
const validators = new Map<OpenAISchemaName, ValidateFunction>();

function validator(name: OpenAISchemaName): ValidateFunction {
  let validate = validators.get(name);
  if (validate === undefined) {
    validate = ajv.getSchema(`openai#/components/schemas/${name}`);
    if (validate === undefined) throw new Error(`${name} is not in the fixture`);
    validators.set(name, validate);
  }
  return validate;
}

/** Every way `body` departs from OpenAI's schema `name` (none when it conforms). */
export function openAIShapeErrors(name: OpenAISchemaName, body: unknown): string[] {
  const validate = validator(name);
  return validate(body) ? [] : ajv.errorsText(validate.errors, { separator: '\n' }).split('\n');
}

/** Asserts that a wire body matches OpenAI's schema, listing every mismatch when it does not. */
export function expectOpenAIShape(name: OpenAISchemaName, body: unknown): void {
  expect(openAIShapeErrors(name, body), name).toEqual([]);
}
