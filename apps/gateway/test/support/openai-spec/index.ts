import { Ajv, type ValidateFunction } from 'ajv';
import responses from './responses.json';

/**
 * Validators for OpenAI's own schemas, from fixtures extracted by scripts/openai-spec.ts (one JSON
 * file per API here, `{ components: { schemas } }`). `expectValid` fails the test with ajv's
 * errors when a body the gateway sends (or a request a test sends) breaks OpenAI's contract.
 */
const FIXTURES = { responses } as const;
export type SpecName = keyof typeof FIXTURES;

// OpenAPI formats such as "unixtime" are annotations, not checks; unknown keywords likewise.
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false });
for (const [name, fixture] of Object.entries(FIXTURES)) ajv.addSchema(fixture, name);

const compiled = new Map<string, ValidateFunction>();

export function validator(spec: SpecName, schema: string): ValidateFunction {
  const key = `${spec}#/components/schemas/${schema}`;
  let validate = compiled.get(key);
  if (validate === undefined) {
    validate = ajv.getSchema(key);
    if (validate === undefined) throw new Error(`No schema ${schema} in the ${spec} fixture`);
    compiled.set(key, validate);
  }
  return validate;
}

/** Throws, naming the schema and the first errors, unless `value` matches OpenAI's `schema`. */
export function expectValid(spec: SpecName, schema: string, value: unknown): void {
  const validate = validator(spec, schema);
  if (validate(value)) return;
  const errors = (validate.errors ?? [])
    .slice(0, 5)
    .map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`)
    .join('; ');
  throw new Error(`Not a valid ${schema}: ${errors}\n${JSON.stringify(value).slice(0, 2000)}`);
}

type SchemaNode = { anyOf?: { $ref?: string }[]; properties?: { type?: { enum?: string[] } } };

/**
 * Validates an event of a stream union (`ResponseStreamEvent`) against the member its `type`
 * names, so a failure reports that member's errors rather than every member's of the union.
 */
export function expectValidEvent(spec: SpecName, union: string, event: { type: string }): void {
  const schemas = FIXTURES[spec].components.schemas as unknown as Record<string, SchemaNode>;
  const member = (schemas[union]?.anyOf ?? [])
    .map((ref) => ref.$ref?.split('/').at(-1) ?? '')
    .find((name) => schemas[name]?.properties?.type?.enum?.includes(event.type));
  if (member === undefined) throw new Error(`${union} has no event of type "${event.type}"`);
  expectValid(spec, member, event);
  expectValid(spec, union, event);
}
