export {
  ACTIONS,
  DIRECTIONS,
  SAFETY_CATEGORIES,
  SPAN_DETECTORS,
  SURFACES,
  guardrailRuleSchema,
  guardrailsSettingsSchema,
} from './settings.ts';
export type {
  Action,
  Direction,
  GuardrailRule,
  GuardrailsSettings,
  GuardrailsSettingsInput,
  SafetyCategory,
  SpanDetectorId,
  Surface,
} from './settings.ts';
export { MAX_REGEX_MATCH, MAX_REGEX_PATHS, checkBoundedRegex } from './bounded-regex.ts';
export type { RegexCheck } from './bounded-regex.ts';
