/**
 * @aigw/guardrails: per-tenant policies that detect, redact, block or flag sensitive data and
 * unsafe content in what clients send and what comes back, streams included. Offline detectors
 * (email, phone, cards, IBAN, SSN, IP, credentials, tenant regexes, deny words), hazard checks by
 * Llama Guard on Workers AI (a keyword stand-in offline), and one `Guard` per request and surface
 * that the chat engine, /search, the tools dispatcher and ingestion apply. See docs/guardrails.md.
 */
export {
  ACTIONS,
  DIRECTIONS,
  SAFETY_CATEGORIES,
  SPAN_DETECTORS,
  SURFACES,
  guardrailsSettingsSchema,
} from '@aigw/guardrails/settings';
export type {
  Action,
  Direction,
  GuardrailRule,
  GuardrailsSettings,
  GuardrailsSettingsInput,
  SafetyCategory,
  Surface,
} from '@aigw/guardrails/settings';
export {
  CompiledPolicy,
  Guard,
  StreamGuard,
  blockedError,
  compilePolicy,
  guardFor,
  policyFor,
  storageRedactor,
} from './policy/index.ts';
export type { GuardPorts, GuardrailDecision } from './policy/index.ts';
export { keywordSafety, llamaGuard } from './safety/index.ts';
export type { AiRunner, SafetyClassifier, SafetyVerdict } from './safety/index.ts';
