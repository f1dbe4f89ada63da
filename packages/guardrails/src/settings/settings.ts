import { z } from 'zod';
import { MAX_REGEX_MATCH, checkBoundedRegex } from './bounded-regex.ts';

/**
 * The tenant config's `guardrails` section: a list of rules, each a detector, the direction it
 * watches and what it does on a match. Owned here, beside the detectors that read it; tenancy
 * composes it (ADR 0007). docs/guardrails.md describes every detector.
 */

/** The built-in detectors that find spans of text (each has a placeholder, `[EMAIL]` …). */
export const SPAN_DETECTORS = ['email', 'phone', 'card', 'iban', 'ssn', 'ip', 'credential'] as const;
export type SpanDetectorId = (typeof SPAN_DETECTORS)[number];

/** Llama Guard 3's hazard categories (MLCommons taxonomy), by the codes its verdicts use. */
export const SAFETY_CATEGORIES = {
  S1: 'Violent crimes',
  S2: 'Non-violent crimes',
  S3: 'Sex-related crimes',
  S4: 'Child sexual exploitation',
  S5: 'Defamation',
  S6: 'Specialized advice',
  S7: 'Privacy',
  S8: 'Intellectual property',
  S9: 'Indiscriminate weapons',
  S10: 'Hate',
  S11: 'Suicide and self-harm',
  S12: 'Sexual content',
  S13: 'Elections',
  S14: 'Code interpreter abuse',
} as const;
export type SafetyCategory = keyof typeof SAFETY_CATEGORIES;
const SAFETY_CATEGORY_CODES = Object.keys(SAFETY_CATEGORIES) as [SafetyCategory, ...SafetyCategory[]];

export const SURFACES = ['chat', 'search', 'tools', 'ingest'] as const;
export type Surface = (typeof SURFACES)[number];
export const DIRECTIONS = ['input', 'output'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const ACTIONS = ['block', 'redact', 'flag'] as const;
export type Action = (typeof ACTIONS)[number];

const ruleBase = {
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'lower-case letters, digits and "-", at most 48')
    .describe('Names the rule in errors, usage, the dashboard and audit entries.'),
  on: z
    .enum(['input', 'output', 'both'])
    .describe(
      'input: what the client sends (prompts, search questions, tool arguments, documents); output: what comes back (answers, tool results).',
    ),
  surfaces: z
    .array(z.enum(SURFACES))
    .min(1)
    .default(['chat', 'search', 'tools'])
    .describe('Where the rule applies; ingested documents ("ingest") only when listed.'),
};

const spanAction = z
  .enum(ACTIONS)
  .describe(
    'block: refuse (400 guardrail_blocked) or end the answer; redact: replace each match by its placeholder; flag: pass and record.',
  );

const placeholderLabel = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,23}$/, 'upper-case letters, digits and "_", at most 24')
  .default('REDACTED')
  .describe('The placeholder a redaction writes, in brackets: "ORDER" gives [ORDER].');

const builtInRule = z
  .object({ ...ruleBase, detector: z.enum(SPAN_DETECTORS), action: spanAction })
  .strict()
  .describe('A built-in detector (docs/guardrails.md).');

const regexRule = z
  .object({
    ...ruleBase,
    detector: z.literal('regex'),
    action: spanAction,
    pattern: z
      .string()
      .min(1)
      .max(512)
      .superRefine((pattern, ctx) => {
        const check = checkBoundedRegex(pattern);
        if (!check.ok) ctx.addIssue({ code: 'custom', message: check.reason });
      })
      .describe(
        `A JavaScript regular expression (u flag) with bounded quantifiers only: ?, {n} and {n,m}, no backreferences or lookarounds, matches at most ${MAX_REGEX_MATCH} characters.`,
      ),
    ignoreCase: z.boolean().default(false).describe('Match regardless of case.'),
    label: placeholderLabel,
  })
  .strict()
  .describe("A tenant's own pattern, checked for bounded backtracking when the config is built.");

const denyWord = z
  .string()
  .trim()
  .min(1)
  .max(MAX_REGEX_MATCH)
  .regex(/[\p{L}\p{N}]/u, 'a word or phrase with at least one letter or digit');

const denylistRule = z
  .object({
    ...ruleBase,
    detector: z.literal('denylist'),
    action: spanAction,
    words: z
      .array(denyWord)
      .min(1)
      .max(2000)
      .describe('Words or phrases, matched whole and regardless of case; spaces match any whitespace.'),
    label: placeholderLabel,
  })
  .strict()
  .describe('A list of words or phrases.');

const safetyRule = z
  .object({
    ...ruleBase,
    detector: z.literal('safety'),
    action: z
      .enum(['block', 'flag'])
      .describe('block: refuse or end the answer; flag: pass and record the verdict.'),
    categories: z
      .array(z.enum(SAFETY_CATEGORY_CODES))
      .min(1)
      .optional()
      .describe('Hazard categories that trigger the rule (default: all of S1–S14).'),
  })
  .strict()
  .describe(
    'Hazard classification: Llama Guard through Workers AI where the AI binding exists, the offline keyword stand-in elsewhere.',
  );

export const guardrailRuleSchema = z.discriminatedUnion('detector', [
  builtInRule,
  regexRule,
  denylistRule,
  safetyRule,
]);
export type GuardrailRule = z.infer<typeof guardrailRuleSchema>;

export const guardrailsSettingsSchema = z
  .object({
    rules: z.array(guardrailRuleSchema).max(64).default([]).describe('Applied in order; none by default.'),
    phoneRegion: z
      .string()
      .regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 region, e.g. "US"')
      .default('US')
      .describe('Region for phone numbers written without a country code (+… numbers are read anywhere).'),
    safetyModel: z
      .string()
      .regex(/^@cf\/\S+$/)
      .default('@cf/meta/llama-guard-3-8b')
      .describe('The Workers AI model that classifies hazards in staging and production.'),
  })
  .strict()
  .superRefine((settings, ctx) => {
    const seen = new Set<string>();
    settings.rules.forEach((rule, index) => {
      if (seen.has(rule.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', index, 'id'],
          message: `duplicate rule id "${rule.id}"`,
        });
      }
      seen.add(rule.id);
    });
  });

export type GuardrailsSettings = z.infer<typeof guardrailsSettingsSchema>;
export type GuardrailsSettingsInput = z.input<typeof guardrailsSettingsSchema>;
