import { z } from 'zod';

/**
 * The tenant config's `logs` and `tracing` sections: owned here, beside the request log and the
 * trace exporter that read them; tenancy composes them (ADR 0007). docs/logs.md
 * describes what each field does, OpenTelemetry included.
 */

/** The longest body the log keeps per request side, after redaction. */
export const MAX_LOG_BODY_BYTES = 256 * 1024;

export const logBodiesSchema = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        'Keep request and response bodies (redacted, capped) with each entry, and prompts and answers in trace spans. Off by default; a key with logBodies: false never has them.',
      ),
    maxBytes: z
      .int()
      .min(256)
      .max(MAX_LOG_BODY_BYTES)
      .default(32 * 1024)
      .describe(
        'Bytes kept of each body (request, response) after redaction; the rest is cut and marked truncated.',
      ),
  })
  .strict();

export const logRetentionSchema = z
  .object({
    days: z.int().min(1).max(400).default(30).describe('Entries older than this are deleted (hourly alarm).'),
    maxEntries: z
      .int()
      .min(100)
      .max(1_000_000)
      .default(100_000)
      .describe('The newest entries kept; older ones past this count are deleted (hourly alarm).'),
  })
  .strict();

export const logsSettingsSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        'One entry per request in the tenant’s request log (GET /v1/logs): metadata, attempts, cost.',
      ),
    bodies: logBodiesSchema.prefault({}).describe('Request and response bodies (opt-in).'),
    retention: logRetentionSchema.prefault({}).describe('How long entries are kept, and how many.'),
  })
  .strict();
export type LogsSettings = z.infer<typeof logsSettingsSchema>;
export type LogsSettingsInput = z.input<typeof logsSettingsSchema>;
export type LogRetention = z.infer<typeof logRetentionSchema>;

/** A Worker secret's name, as wrangler accepts it and as `env` exposes it. */
const secretName = z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'an upper-case Worker secret name');

export const tracingSettingsSchema = z
  .object({
    endpoint: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional()
      .describe(
        'OTLP/HTTP traces endpoint, the whole URL (e.g. https://cloud.langfuse.com/api/public/otel/v1/traces). Unset: no per-tenant export.',
      ),
    headersSecret: secretName
      .optional()
      .describe(
        'The Worker secret holding the export headers, as OTEL_EXPORTER_OTLP_HEADERS writes them: "name=value,name2=value2" (e.g. Authorization=Basic%20…).',
      ),
    sampleRate: z
      .number()
      .min(0)
      .max(1)
      .default(1)
      .describe('Share of requests exported (a caller’s sampled traceparent flag is honoured first).'),
  })
  .strict();
export type TracingSettings = z.infer<typeof tracingSettingsSchema>;
export type TracingSettingsInput = z.input<typeof tracingSettingsSchema>;
