import { DurableObject } from 'cloudflare:workers';
import { constantTimeEqual, ok, parseInput as parse, refuse, sha256Hex, type RpcResult } from '@aigw/core';
import { hasSchema, migrate, readMeta, writeMeta } from '@aigw/core/sqlite';
import { newRuntimeKeyId, newRuntimeKeySecret, runtimeKeyPrefix, type Scope } from '@aigw/tenancy';
import { MAX_LIVE_KEYS, auditView, type StoredKey } from '../keys/schema.ts';
import {
  ackInputSchema,
  createInputSchema,
  keyRefSchema,
  readInputSchema,
  revokeInputSchema,
  rotateInputSchema,
  statusInputSchema,
  updateInputSchema,
  verifyInputSchema,
  type AckInput,
  type Changed,
  type CreateInput,
  type Issued,
  type KeyRef,
  type PendingEvent,
  type ReadInput,
  type RevokeInput,
  type RotateInput,
  type StatusInput,
  type UpdateInput,
  type Verified,
  type VerifyInput,
} from './rpc.ts';
import { MIGRATIONS, type KeyRow, type OutboxRow, type SecretRow } from './tables.ts';
import { applyFields, readKey, writeKey } from './rows.ts';

/** How long a change's caller holds its audit events before another change may deliver them. */
export const OUTBOX_CLAIM_MS = 30_000;

/** Another tenant's key and a missing one must be indistinguishable to the caller. */
const NOT_FOUND = 'No runtime API key with this id exists for this tenant.';

type Author = { actor: string; requestId: string; clientRequestId?: string | undefined };
type Change = PendingEvent['change'];

/**
 * The control plane of one tenant (object name = tenant id): its runtime API keys and its run-time
 * switch (suspended or not). The first write records the tenant; a call naming another tenant is
 * answered as if nothing existed. Every change and its audit event are written in one transaction
 * (the event waits in an outbox until the gateway has appended it to the tenant's audit ledger),
 * and the object runs one call at a time, so concurrent creates, rotations and revocations leave
 * one consistent state.
 */
export class ControlPlaneDO extends DurableObject<Env> {
  // Helpers are `#private`: every public method of a Durable Object is callable over RPC, and
  // TypeScript's `private` does not exist at run time.
  #schemaReady = false;

  /** The tenant's run-time switch; an object never written to answers "active" and creates nothing. */
  state(raw: ReadInput): RpcResult<{ suspended: boolean }> {
    const input = parse(readInputSchema, raw);
    if (!input.ok) return input;
    if (this.#access(input.value.tenantId) !== 'self') return ok({ suspended: false });
    return ok({ suspended: this.#suspended() });
  }

  /**
   * The key named by `keyId` if `hash` is one of its live secrets. Every live secret of the key is
   * compared in constant time (at most two: the current one and one in its grace period). Records
   * the key as used; a gateway isolate asks once per cache period, so this is not a write per request.
   */
  verify(raw: VerifyInput): RpcResult<Verified | null> {
    const input = parse(verifyInputSchema, raw);
    if (!input.ok) return input;
    const { tenantId, keyId, hash } = input.value;
    const now = input.value.now ?? Date.now();
    if (this.#access(tenantId) !== 'self') return ok(null);
    const row = this.#keyRow(keyId);
    const secrets = this.#liveSecrets(keyId, now);
    let match: SecretRow | undefined;
    for (const secret of secrets) if (constantTimeEqual(secret.hash, hash)) match = secret;
    if (row === undefined || match === undefined || row.revoked_at !== null) return ok(null);
    if (row.expires_at !== null && row.expires_at <= now) return ok(null);
    this.ctx.storage.sql.exec('UPDATE keys SET last_used_at = ? WHERE id = ?', now, keyId);
    const ends = [match.expires_at, row.expires_at].filter((t): t is number => t !== null);
    return ok({
      key: readKey({ ...row, last_used_at: now }, secrets),
      validUntil: ends.length === 0 ? null : Math.min(...ends),
      suspended: this.#suspended(),
    });
  }

  list(raw: ReadInput): RpcResult<StoredKey[]> {
    const input = parse(readInputSchema, raw);
    if (!input.ok) return input;
    if (this.#access(input.value.tenantId) !== 'self') return ok([]);
    const now = input.value.now ?? Date.now();
    const rows = this.ctx.storage.sql.exec<KeyRow>('SELECT * FROM keys ORDER BY created_at, id').toArray();
    return ok(rows.map((row) => readKey(row, this.#liveSecrets(row.id, now))));
  }

  get(raw: KeyRef): RpcResult<StoredKey> {
    const input = parse(keyRefSchema, raw);
    if (!input.ok) return input;
    const key = this.#find(input.value.tenantId, input.value.keyId, input.value.now ?? Date.now());
    return key === undefined ? refuse('key_not_found', NOT_FOUND) : ok(key);
  }

  async create(raw: CreateInput): Promise<RpcResult<Changed<Issued>>> {
    const input = parse(createInputSchema, raw);
    if (!input.ok) return input;
    const { tenantId, fields } = input.value;
    const now = input.value.now ?? Date.now();
    // The only awaits come first: from the access check on, the object reads and writes in one
    // synchronous step, so no other call sees (or changes) the state in between.
    let keyId: string;
    let secret: string;
    let hash: string;
    do {
      keyId = newRuntimeKeyId();
      secret = newRuntimeKeySecret(tenantId, keyId);
      hash = await sha256Hex(secret);
    } while (this.#access(tenantId) === 'self' && this.#keyRow(keyId) !== undefined);
    if (this.#access(tenantId) === 'other') return refuse('key_not_found', NOT_FOUND);
    this.#ensureSchema(now);
    const live = this.ctx.storage.sql
      .exec<{ n: number }>('SELECT COUNT(*) AS n FROM keys WHERE revoked_at IS NULL')
      .one().n;
    if (live >= MAX_LIVE_KEYS) {
      return refuse(
        'invalid_request',
        `This tenant already holds ${MAX_LIVE_KEYS} keys that are not revoked.`,
      );
    }
    const key: StoredKey = {
      id: keyId,
      ...fields,
      createdAt: now,
      updatedAt: now,
      revokedAt: null,
      lastUsedAt: null,
      createdBy: input.value.actor,
      prefix: runtimeKeyPrefix(secret),
      previous: null,
    };
    const events = this.#commit(
      tenantId,
      input.value,
      now,
      { action: 'keys.create', target: keyId, before: null, after: auditView(key, now) },
      () => {
        writeKey(this.ctx.storage.sql, key);
        this.#insertSecret(hash, keyId, key.prefix, now, null);
      },
    );
    return ok({ value: { key, secret }, changed: true, events });
  }

  update(raw: UpdateInput): RpcResult<Changed<StoredKey>> {
    const input = parse(updateInputSchema, raw);
    if (!input.ok) return input;
    const { tenantId, keyId, fields, allowedScopes } = input.value;
    const now = input.value.now ?? Date.now();
    const before = this.#find(tenantId, keyId, now);
    if (before === undefined) return refuse('key_not_found', NOT_FOUND);
    const denied = this.#denied(before, allowedScopes);
    if (denied) return denied;
    if (before.revokedAt !== null) return refuse('key_conflict', 'This key is revoked; create a new one.');
    const after: StoredKey = { ...applyFields(before, fields), updatedAt: now };
    const change = {
      action: 'keys.update',
      target: keyId,
      before: auditView(before, now),
      after: auditView(after, now),
    };
    const events = this.#commit(tenantId, input.value, now, change, () => {
      writeKey(this.ctx.storage.sql, after);
    });
    return ok({ value: after, changed: true, events });
  }

  revoke(raw: RevokeInput): RpcResult<Changed<StoredKey>> {
    const input = parse(revokeInputSchema, raw);
    if (!input.ok) return input;
    const { tenantId, keyId, allowedScopes } = input.value;
    const now = input.value.now ?? Date.now();
    const before = this.#find(tenantId, keyId, now);
    if (before === undefined) return refuse('key_not_found', NOT_FOUND);
    const denied = this.#denied(before, allowedScopes);
    if (denied) return denied;
    // Revoking twice is the same revocation: one event, the same answer.
    if (before.revokedAt !== null) return ok({ value: before, changed: false, events: this.#claim(now) });
    const after: StoredKey = { ...before, revokedAt: now, updatedAt: now, previous: null };
    const change = {
      action: 'keys.revoke',
      target: keyId,
      before: auditView(before, now),
      after: auditView(after, now),
    };
    const events = this.#commit(tenantId, input.value, now, change, () => {
      writeKey(this.ctx.storage.sql, after);
      this.ctx.storage.sql.exec('DELETE FROM secrets WHERE key_id = ?', keyId);
    });
    return ok({ value: after, changed: true, events });
  }

  /**
   * A new secret for the key; the old one keeps working for `gracePeriodSeconds`, then is refused.
   * A second rotation while a grace period runs would leave three secrets or cut one short, so it
   * is a conflict, as is rotating a revoked or expired key.
   */
  async rotate(raw: RotateInput): Promise<RpcResult<Changed<Issued>>> {
    const input = parse(rotateInputSchema, raw);
    if (!input.ok) return input;
    const { tenantId, keyId, allowedScopes, gracePeriodSeconds } = input.value;
    const now = input.value.now ?? Date.now();
    const secret = newRuntimeKeySecret(tenantId, keyId);
    const hash = await sha256Hex(secret);
    // Read after the await: the state the checks see is the state the writes change.
    const before = this.#find(tenantId, keyId, now);
    if (before === undefined) return refuse('key_not_found', NOT_FOUND);
    const denied = this.#denied(before, allowedScopes);
    if (denied) return denied;
    if (before.revokedAt !== null)
      return refuse('key_conflict', 'This key is revoked; it cannot be rotated.');
    if (before.expiresAt !== null && before.expiresAt <= now) {
      return refuse('key_conflict', 'This key has expired; it cannot be rotated.');
    }
    if (before.previous !== null) {
      return refuse(
        'key_conflict',
        `A rotation's grace period runs until ${new Date(before.previous.expiresAt).toISOString()}; rotate again after it.`,
      );
    }
    const graceEnds = now + gracePeriodSeconds * 1000;
    const after: StoredKey = {
      ...before,
      prefix: runtimeKeyPrefix(secret),
      previous: gracePeriodSeconds > 0 ? { prefix: before.prefix, expiresAt: graceEnds } : null,
      updatedAt: now,
    };
    const change = {
      action: 'keys.rotate',
      target: keyId,
      before: auditView(before, now),
      after: auditView(after, now),
    };
    const events = this.#commit(tenantId, input.value, now, change, () => {
      if (gracePeriodSeconds > 0) {
        this.ctx.storage.sql.exec(
          'UPDATE secrets SET expires_at = ? WHERE key_id = ? AND expires_at IS NULL',
          graceEnds,
          keyId,
        );
      }
      this.ctx.storage.sql.exec(
        'DELETE FROM secrets WHERE key_id = ? AND (expires_at IS NULL OR expires_at <= ?)',
        keyId,
        now,
      );
      this.#insertSecret(hash, keyId, after.prefix, now, null);
      writeKey(this.ctx.storage.sql, after);
    });
    return ok({ value: { key: after, secret }, changed: true, events });
  }

  /** Suspends or resumes the tenant at run time. Setting the state it already has changes nothing. */
  setStatus(raw: StatusInput): RpcResult<Changed<{ suspended: boolean }>> {
    const input = parse(statusInputSchema, raw);
    if (!input.ok) return input;
    const { tenantId, suspended } = input.value;
    const now = input.value.now ?? Date.now();
    if (this.#access(tenantId) === 'other') return refuse('tenant_not_found', 'No such tenant.');
    this.#ensureSchema(now);
    const was = this.#suspended();
    if (was === suspended) return ok({ value: { suspended }, changed: false, events: this.#claim(now) });
    const status = (s: boolean) => ({ status: s ? ('suspended' as const) : ('active' as const) });
    const change = {
      action: suspended ? 'tenant.suspend' : 'tenant.resume',
      target: tenantId,
      before: status(was),
      after: status(suspended),
    };
    const events = this.#commit(tenantId, input.value, now, change, () => {
      writeMeta(this.ctx.storage.sql, 'suspended', suspended ? '1' : '0');
    });
    return ok({ value: { suspended }, changed: true, events });
  }

  /** Drops outbox events once the gateway has appended them to the tenant's audit ledger. */
  ack(raw: AckInput): RpcResult<{ pending: number }> {
    const input = parse(ackInputSchema, raw);
    if (!input.ok) return input;
    if (this.#access(input.value.tenantId) !== 'self') return ok({ pending: 0 });
    for (const seq of input.value.seqs) this.ctx.storage.sql.exec('DELETE FROM outbox WHERE seq = ?', seq);
    return ok({
      pending: this.ctx.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM outbox').one().n,
    });
  }

  /** Writes the change and its audit event in one transaction; returns every event not yet acknowledged. */
  #commit(tenantId: string, author: Author, now: number, change: Change, write: () => void): PendingEvent[] {
    this.ctx.storage.transactionSync(() => {
      if (readMeta(this.ctx.storage.sql, 'tenant_id') === undefined)
        writeMeta(this.ctx.storage.sql, 'tenant_id', tenantId);
      write();
      const event = {
        requestId: author.requestId,
        ...(author.clientRequestId === undefined ? {} : { clientRequestId: author.clientRequestId }),
        keyId: author.actor,
        change,
      };
      this.ctx.storage.sql.exec('INSERT INTO outbox (event) VALUES (?)', JSON.stringify(event));
    });
    return this.#claim(now);
  }

  /** The events no other change holds (this one's, and any a failed delivery left), now held by the caller. */
  #claim(now: number): PendingEvent[] {
    const rows = this.ctx.storage.sql
      .exec<OutboxRow>('SELECT seq, event FROM outbox WHERE claimed_until <= ? ORDER BY seq', now)
      .toArray();
    this.ctx.storage.sql.exec(
      'UPDATE outbox SET claimed_until = ? WHERE claimed_until <= ?',
      now + OUTBOX_CLAIM_MS,
      now,
    );
    return rows.map((row) => ({ seq: row.seq, ...(JSON.parse(row.event) as Omit<PendingEvent, 'seq'>) }));
  }

  #denied(key: StoredKey, allowed: Scope[] | null): RpcResult<never> | undefined {
    if (allowed === null) return undefined;
    const missing = key.scopes.filter((scope) => !allowed.includes(scope));
    if (missing.length === 0) return undefined;
    return refuse(
      'insufficient_scope',
      `This key holds scopes the calling key does not: ${missing.join(', ')}.`,
    );
  }

  #find(tenantId: string, keyId: string, now: number): StoredKey | undefined {
    if (this.#access(tenantId) !== 'self') return undefined;
    const row = this.#keyRow(keyId);
    return row === undefined ? undefined : readKey(row, this.#liveSecrets(keyId, now));
  }

  #keyRow(keyId: string): KeyRow | undefined {
    return this.ctx.storage.sql.exec<KeyRow>('SELECT * FROM keys WHERE id = ?', keyId).toArray()[0];
  }

  #liveSecrets(keyId: string, now: number): SecretRow[] {
    return this.ctx.storage.sql
      .exec<SecretRow>(
        'SELECT * FROM secrets WHERE key_id = ? AND (expires_at IS NULL OR expires_at > ?)',
        keyId,
        now,
      )
      .toArray();
  }

  #insertSecret(hash: string, keyId: string, prefix: string, now: number, expiresAt: number | null): void {
    this.ctx.storage.sql.exec(
      'INSERT INTO secrets (hash, key_id, prefix, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      hash,
      keyId,
      prefix,
      now,
      expiresAt,
    );
  }

  #suspended(): boolean {
    return readMeta(this.ctx.storage.sql, 'suspended') === '1';
  }

  /** `none` for an object no tenant has written to; reads of it create nothing. */
  #access(tenantId: string): 'self' | 'other' | 'none' {
    if (!this.#schemaReady && !hasSchema(this.ctx.storage.sql)) return 'none';
    this.#ensureSchema(Date.now());
    const stored = readMeta(this.ctx.storage.sql, 'tenant_id');
    if (stored === undefined) return 'none';
    return stored === tenantId ? 'self' : 'other';
  }

  #ensureSchema(now: number): void {
    if (this.#schemaReady) return;
    migrate(this.ctx.storage, MIGRATIONS, now);
    this.#schemaReady = true;
  }
}
