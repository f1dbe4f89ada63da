export { AuditLedgerDO } from './audit-ledger-do.ts';
export { AuditLedger, auditLedger } from './audit-ledger.ts';
export { GENESIS_HASH, entryHash } from './chain.ts';
export { canonicalJson } from '@aigw/core';
export {
  MAX_CHANGE_BYTES,
  auditChangeSchema,
  auditEntryInputSchema,
  auditOutcomeSchema,
  auditPageQuerySchema,
} from './schema.ts';
export type {
  AuditChange,
  AuditChangeInput,
  AuditEntry,
  AuditEntryInput,
  AuditOutcome,
  AuditPage,
  AuditPageQuery,
  AuditSink,
  AuditVerification,
} from './schema.ts';
