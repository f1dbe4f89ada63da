export { AuditLedgerDO } from './audit-ledger-do.ts';
export { AuditLedger, auditLedger } from './audit-ledger.ts';
export { GENESIS_HASH, entryHash } from './chain.ts';
export { canonicalJson } from '@aigw/core';
export {
  auditChangeSchema,
  auditEntryInputSchema,
  auditGuardrailSchema,
  MAX_CHANGE_BYTES,
  auditOutcomeSchema,
  auditPageQuerySchema,
} from './schema.ts';
export type {
  AuditChange,
  AuditChangeInput,
  AuditGuardrail,
  AuditEntry,
  AuditEntryInput,
  AuditOutcome,
  AuditPage,
  AuditPageQuery,
  AuditSink,
  AuditVerification,
} from './schema.ts';
