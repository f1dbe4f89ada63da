export { CompiledPolicy, blockedError, compilePolicy, policyFor } from './policy.ts';
export type { GuardrailDecision, RuleSet, SafetyRule, SpanRule } from './policy.ts';
export { Guard, guardFor } from './guard.ts';
export type { GuardPorts } from './guard.ts';
export { MAX_HOLD, SAFETY_STRIDE, StreamGuard } from './stream.ts';
export { storageRedactor } from './redact-all.ts';
