import { DurableObject } from 'cloudflare:workers';
import type { z } from 'zod';
import { GENESIS_HASH, entryHash } from './chain.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { canonicalJson, ok, refuse, sha256Hex, type RpcResult } from '@aigw/core';
import {
  auditEntryInputSchema,
  auditPageQuerySchema,
  tenantIdSchema,
  type AuditChange,
  type AuditEntry,
  type AuditEntryInput,
  type AuditGuardrail,
  type AuditOutcome,
  type AuditPage,
  type AuditPageQuery,
  type AuditVerification,
} from './schema.ts';
import { hasSchema, migrate } from '@aigw/core/sqlite';
import { MIGRATIONS, type EntryRow, type MetaRow } from './tables.ts';

/** Another tenant's ledger and a missing one must be indistinguishable to the caller. */
const NOT_FOUND = 'No audit ledger exists for this tenant.';
/** Rows verified per read; bounds memory on a long ledger. */
const VERIFY_BATCH = 500;

function toEntry(row: EntryRow): AuditEntry {
  return {
    seq: row.seq,
    time: row.time,
    tenant: row.tenant,
    requestId: row.request_id,
    ...(row.client_request_id === null ? {} : { clientRequestId: row.client_request_id }),
    keyId: row.key_id,
    tool: row.tool,
    argsHash: row.args_hash,
    // Read back as stored; `verify` is what vouches for stored values, not the type.
    outcome: row.outcome as AuditOutcome,
    latencyMs: row.latency_ms,
    // Stored as the canonical JSON it was hashed as; `verify` vouches for it.
    ...(row.change === null ? {} : { change: JSON.parse(row.change) as AuditChange }),
    ...(row.guardrail === null ? {} : { guardrail: JSON.parse(row.guardrail) as AuditGuardrail }),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function parse<S extends z.ZodType>(schema: S, input: unknown): RpcResult<z.output<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const first = parsed.error.issues[0];
  const where = first && first.path.length > 0 ? `${first.path.map(String).join('.')}: ` : '';
  return refuse('invalid_request', `${where}${first?.message ?? 'invalid input'}`);
}

/**
 * One tenant's append-only audit ledger (object name = tenant id): tool runs, and control-plane
 * changes (runtime keys, tenant switches). The first append records
 * the tenant; any call naming another tenant is answered as if the ledger did not exist.
 *
 * Entries form a hash chain: each stores the hash of the one before, and the object keeps the
 * last seq and hash (the head) beside them, so `verify` detects an edited row, a removed row in the
 * middle and a truncated tail. There is deliberately no RPC to change or remove entries.
 */
export class AuditLedgerDO extends DurableObject<Env> {
  // Helpers are `#private`: every public method of a Durable Object is callable over RPC, and
  // TypeScript's `private` does not exist at run time, so `append`, `page` and `verify` stay the
  // only way in.
  #schemaReady = false;

  async append(tenantId: string, raw: AuditEntryInput): Promise<RpcResult<AuditEntry>> {
    const tenant = parse(tenantIdSchema, tenantId);
    if (!tenant.ok) return tenant;
    const input = parse(auditEntryInputSchema, raw);
    if (!input.ok) return input;
    const { change } = input.value;
    if (change !== undefined) {
      if (
        change.action !== input.value.tool ||
        (await sha256Hex(canonicalJson(change))) !== input.value.argsHash
      ) {
        return refuse('invalid_request', 'change: tool and argsHash must be its action and hash');
      }
    }

    // Reading the head, hashing (async) and writing must not interleave with another append, or
    // two entries would link to the same predecessor; appends are short, so block for them.
    return this.ctx.blockConcurrencyWhile(async () => {
      this.#ensureSchema();
      const owner = this.#owner(tenant.value);
      if (owner === 'other') return refuse<AuditEntry>('not_found', NOT_FOUND);
      const head = this.#readHead();
      const unsigned = {
        ...input.value,
        seq: head.seq + 1,
        time: new Date().toISOString(),
        tenant: tenant.value,
        prevHash: head.hash,
      };
      const entry: AuditEntry = { ...unsigned, hash: await entryHash(unsigned) };
      this.ctx.storage.transactionSync(() => {
        if (owner === 'none') this.#writeMeta('tenant_id', tenant.value);
        this.ctx.storage.sql.exec(
          `INSERT INTO entries (seq, time, tenant, request_id, client_request_id, key_id, tool, args_hash, outcome,
             latency_ms, change, prev_hash, hash, guardrail)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          entry.seq,
          entry.time,
          entry.tenant,
          entry.requestId,
          entry.clientRequestId ?? null,
          entry.keyId,
          entry.tool,
          entry.argsHash,
          entry.outcome,
          entry.latencyMs,
          entry.change === undefined ? null : canonicalJson(entry.change),
          entry.prevHash,
          entry.hash,
          entry.guardrail === undefined ? null : JSON.stringify(entry.guardrail),
        );
        this.#writeMeta('head_seq', String(entry.seq));
        this.#writeMeta('head_hash', entry.hash);
      });
      return ok(entry);
    });
  }

  /** Entries oldest first (ascending seq), so pages stay stable while new entries are appended. */
  page(tenantId: string, raw: AuditPageQuery = {}): RpcResult<AuditPage> {
    const tenant = parse(tenantIdSchema, tenantId);
    if (!tenant.ok) return tenant;
    const query = parse(auditPageQuerySchema, raw);
    if (!query.ok) return query;
    const after = query.value.cursor === undefined ? 0 : decodeCursor(query.value.cursor);
    if (after === undefined) return refuse('invalid_request', 'cursor: not a cursor this API returned');

    const access = this.#access(tenant.value);
    if (access !== 'self')
      return access === 'other' ? refuse('not_found', NOT_FOUND) : ok({ entries: [], nextCursor: null });
    const { limit } = query.value;
    const rows = this.ctx.storage.sql
      .exec<EntryRow>('SELECT * FROM entries WHERE seq > ? ORDER BY seq LIMIT ?', after, limit + 1)
      .toArray();
    const entries = rows.slice(0, limit).map(toEntry);
    const last = entries.at(-1);
    return ok({ entries, nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null });
  }

  /**
   * Recomputes the chain from the first entry: seqs must run 1, 2, 3… without gaps, each
   * `prevHash` must equal the hash before it, each `hash` must match the entry's fields, and the
   * last entry must be the recorded head. Reports the first seq where any of that fails.
   */
  async verify(tenantId: string): Promise<RpcResult<AuditVerification>> {
    const tenant = parse(tenantIdSchema, tenantId);
    if (!tenant.ok) return tenant;
    const access = this.#access(tenant.value);
    if (access === 'other') return refuse('not_found', NOT_FOUND);
    if (access === 'none') return ok({ ok: true, entries: 0, head: null });

    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    for (;;) {
      // Each batch is a fresh read, so entries appended while hashing are verified too.
      const rows = this.ctx.storage.sql
        .exec<EntryRow>(
          'SELECT * FROM entries WHERE seq >= ? ORDER BY seq LIMIT ?',
          expectedSeq,
          VERIFY_BATCH,
        )
        .toArray();
      if (rows.length === 0) {
        // Same synchronous step as the empty read above: no append can slip in between.
        const head = this.#readHead();
        if (head.seq !== expectedSeq - 1 || head.hash !== prevHash) {
          return ok(
            broken(
              expectedSeq,
              `entries ${expectedSeq} to ${head.seq} are missing (the ledger head is entry ${head.seq})`,
            ),
          );
        }
        return ok({ ok: true, entries: head.seq, head: head.seq === 0 ? null : head.hash });
      }
      for (const row of rows) {
        if (row.seq !== expectedSeq) return ok(broken(expectedSeq, `entry ${expectedSeq} is missing`));
        if (row.tenant !== tenant.value) return ok(broken(row.seq, 'the entry names another tenant'));
        if (row.prev_hash !== prevHash) {
          return ok(broken(row.seq, "prevHash does not match the previous entry's hash"));
        }
        const entry = toEntry(row);
        if ((await entryHash(entry)) !== row.hash) {
          return ok(broken(row.seq, "hash does not match the entry's contents"));
        }
        prevHash = row.hash;
        expectedSeq++;
      }
    }
  }

  /**
   * `none` for an object no tenant has written to; reads of it create nothing. A ledger written by
   * an older version is brought up to the current schema before it is read.
   */
  #access(tenantId: string): 'self' | 'other' | 'none' {
    if (!this.#schemaReady && !hasSchema(this.ctx.storage.sql)) return 'none';
    this.#ensureSchema();
    return this.#owner(tenantId);
  }

  /** Migrates once per instance: `migrate` applies only the steps the stored schema lacks. */
  #ensureSchema(): void {
    if (this.#schemaReady) return;
    migrate(this.ctx.storage, MIGRATIONS, Date.now());
    this.#schemaReady = true;
  }

  #owner(tenantId: string): 'self' | 'other' | 'none' {
    const stored = this.#readMeta('tenant_id');
    if (stored === undefined) return 'none';
    return stored === tenantId ? 'self' : 'other';
  }

  #readHead(): { seq: number; hash: string } {
    return {
      seq: Number(this.#readMeta('head_seq') ?? 0),
      hash: this.#readMeta('head_hash') ?? GENESIS_HASH,
    };
  }

  #readMeta(key: string): string | undefined {
    return this.ctx.storage.sql.exec<MetaRow>('SELECT value FROM meta WHERE key = ?', key).toArray()[0]
      ?.value;
  }

  #writeMeta(key: string, value: string): void {
    this.ctx.storage.sql.exec(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      key,
      value,
    );
  }
}

function broken(brokenAt: number, reason: string): AuditVerification {
  return { ok: false, brokenAt, reason };
}
