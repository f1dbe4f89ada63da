import { DurableObject } from 'cloudflare:workers';
import { buildContext, type BuiltContext, type HistoryCandidate } from '../context/index.ts';
import { hasSchema, migrate } from '@aigw/core/sqlite';
import { MESSAGE_OVERHEAD_TOKENS, estimateTokens, ok, parseInput as parse, refuse } from '@aigw/core';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { MIGRATIONS, type ContextRow, type LockRow, type MessageRow, type MetaRow } from './tables.ts';
import {
  beginTurnInputSchema,
  commitTurnInputSchema,
  historyInputSchema,
  tenantRefSchema,
  turnRefSchema,
  type BeginTurnInput,
  type CommitTurnInput,
  type HistoryInput,
  type HistoryPage,
  type MessageRole,
  type MessageStatus,
  type RetentionSettings,
  type SessionResult,
  type StoredMessage,
  type TenantRef,
  type TurnRef,
} from './schema.ts';

/** Default time a turn may hold the session before another turn may take it over. */
export const TURN_LOCK_TTL_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

export interface TurnStarted {
  /** The prompt to send: system prompt, the history that fits, the new user message. */
  context: BuiltContext;
  /** After this instant (ms) another turn may take the session over. */
  lockExpiresAt: number;
}

export interface TurnCommitted {
  user: StoredMessage;
  assistant: StoredMessage;
}

/** Another tenant's session and a missing session must be indistinguishable to the caller. */
const NOT_FOUND = 'No chat session with this id exists.';

function toStored(row: MessageRow): StoredMessage {
  return {
    id: row.id,
    role: row.role,
    content: row.content,
    tokens: row.tokens,
    model: row.model,
    requestId: row.request_id,
    createdAt: new Date(row.created_at).toISOString(),
    status: row.status,
  };
}

/**
 * One chat session of one tenant (name `tenant:session`, see `sessionObjectName`). The first turn
 * records the tenant; every later call must name the same tenant or is answered as if the session
 * did not exist.
 *
 * A turn is begin → commit | abort. `beginTurn` takes the session's turn lock, so a second turn is
 * refused with `session_busy` instead of interleaving; `commitTurn` writes the user message and the
 * answer in one transaction and releases the lock; `abortTurn` releases it writing nothing. The
 * history therefore only ever holds whole turns. See docs/sessions.md.
 */
export class SessionDO extends DurableObject<Env> {
  // Helpers are `#private`: every public method of a Durable Object is callable over RPC, and
  // TypeScript's `private` does not exist at run time.
  /** Cached once true: only `wipe` removes the schema, and it resets this. */
  #schemaReady = false;

  async beginTurn(raw: BeginTurnInput): Promise<SessionResult<TurnStarted>> {
    const input = parse(beginTurnInputSchema, raw);
    if (!input.ok) return input;
    const { tenantId, requestId, userMessage, system, contextTokens, lockTtlMs } = input.value;
    const now = input.value.now ?? Date.now();

    this.#ensureSchema(now);
    const owner = this.#owner(tenantId);
    if (owner === 'other') return refuse('not_found', NOT_FOUND);
    const lock = this.#readLock();
    // Any live lock refuses, the holder's own id included: a turn id is the gateway's per-request
    // id, so a second begin under it is never the holder resuming, only a duplicate.
    if (lock && lock.expires_at > now) {
      return refuse('session_busy', 'Another turn is in progress on this session; retry when it finishes.');
    }

    const lockExpiresAt = now + (lockTtlMs ?? TURN_LOCK_TTL_MS);
    this.ctx.storage.transactionSync(() => {
      if (owner === 'none') this.#writeMeta('tenant_id', tenantId);
      this.#sql(
        `INSERT INTO turn_lock (id, request_id, expires_at) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET request_id = excluded.request_id, expires_at = excluded.expires_at`,
        requestId,
        lockExpiresAt,
      );
    });
    const context = buildContext({
      system,
      contextTokens,
      newUserMessage: userMessage,
      history: this.#recentHistory(contextTokens),
    });
    await this.#scheduleAlarm(now);
    return ok({ context, lockExpiresAt });
  }

  async commitTurn(raw: CommitTurnInput): Promise<SessionResult<TurnCommitted>> {
    const input = parse(commitTurnInputSchema, raw);
    if (!input.ok) return input;
    const { tenantId, requestId, user, assistant, retention } = input.value;
    const now = input.value.now ?? Date.now();

    if (!this.#hasSchemaCached()) return refuse('session_busy', 'No turn is in progress on this session.');
    const owner = this.#owner(tenantId);
    if (owner === 'other') return refuse('not_found', NOT_FOUND);
    const lock = this.#readLock();
    // An expired lock still counts if nobody took it over: no other turn can have interleaved.
    if (lock?.request_id !== requestId) {
      return refuse(
        'session_busy',
        'This turn no longer holds the session (it expired and another turn started, or the session was cleared).',
      );
    }

    const committed = this.ctx.storage.transactionSync(() => {
      const userRow = this.#insertMessage(
        'user',
        user.content,
        user.tokens,
        user.model,
        requestId,
        now,
        'complete',
      );
      const assistantRow = this.#insertMessage(
        'assistant',
        assistant.content,
        assistant.tokens,
        assistant.model,
        requestId,
        now,
        assistant.status,
      );
      this.#sql('DELETE FROM turn_lock');
      this.#writeMeta('retention_days', String(retention.retentionDays));
      this.#writeMeta('max_messages', String(retention.maxMessages));
      this.#trimToMaxMessages(retention.maxMessages);
      return { user: toStored(userRow), assistant: toStored(assistantRow) };
    });
    await this.#scheduleAlarm(now);
    return ok(committed);
  }

  async abortTurn(raw: TurnRef): Promise<SessionResult<{ released: boolean }>> {
    const input = parse(turnRefSchema, raw);
    if (!input.ok) return input;
    if (!this.#hasSchemaCached()) return ok({ released: false });
    if (this.#owner(input.value.tenantId) === 'other') return refuse('not_found', NOT_FOUND);

    const released =
      this.#sql('DELETE FROM turn_lock WHERE request_id = ?', input.value.requestId).rowsWritten > 0;
    // An aborted first turn leaves nothing behind, not even the tenant record.
    if (this.#messageCount() === 0 && !this.#readLock()) await this.#wipe();
    return ok({ released });
  }

  history(raw: HistoryInput): SessionResult<HistoryPage> {
    const input = parse(historyInputSchema, raw);
    if (!input.ok) return input;
    const { tenantId, limit, cursor } = input.value;
    if (!this.#hasSchemaCached() || this.#owner(tenantId) !== 'self') return refuse('not_found', NOT_FOUND);

    const after = cursor === undefined ? 0 : decodeCursor(cursor);
    if (after === undefined) return refuse('invalid_request', 'cursor: not a cursor this API returned');
    const rows = this.#sql<MessageRow>(
      'SELECT * FROM messages WHERE id > ? ORDER BY id LIMIT ?',
      after,
      limit + 1,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return ok({
      messages: page.map(toStored),
      nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null,
    });
  }

  /** Removes the session entirely. Idempotent: clearing a missing session succeeds. */
  async clear(raw: TenantRef): Promise<SessionResult<{ cleared: boolean }>> {
    const input = parse(tenantRefSchema, raw);
    if (!input.ok) return input;
    if (!this.#hasSchemaCached()) {
      await this.#wipe();
      return ok({ cleared: false });
    }
    const owner = this.#owner(input.value.tenantId);
    if (owner === 'other') return refuse('not_found', NOT_FOUND);
    await this.#wipe();
    return ok({ cleared: owner === 'self' });
  }

  /** Retention runs here, not only on write: a session nobody writes to still expires. */
  override async alarm(): Promise<void> {
    await this.#sweep(Date.now());
  }

  async #sweep(now: number): Promise<void> {
    if (!this.#hasSchemaCached()) {
      await this.#wipe();
      return;
    }
    const retention = this.#readRetention();
    this.ctx.storage.transactionSync(() => {
      this.#sql('DELETE FROM turn_lock WHERE expires_at <= ?', now);
      if (retention) {
        this.#sql('DELETE FROM messages WHERE created_at < ?', now - retention.retentionDays * DAY_MS);
        this.#trimToMaxMessages(retention.maxMessages);
      }
    });
    if (this.#messageCount() === 0 && !this.#readLock()) {
      await this.#wipe();
      return;
    }
    await this.#scheduleAlarm(now);
  }

  /** Next wake-up: when the oldest message expires or the turn lock lapses, whichever is first. */
  async #scheduleAlarm(now: number): Promise<void> {
    const due: number[] = [];
    const lock = this.#readLock();
    if (lock) due.push(lock.expires_at);
    const retention = this.#readRetention();
    const oldest = this.#sql<{ created_at: number | null }>(
      'SELECT MIN(created_at) AS created_at FROM messages',
    )[0]?.created_at;
    if (retention && oldest !== null && oldest !== undefined)
      due.push(oldest + retention.retentionDays * DAY_MS);
    if (due.length === 0) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    await this.ctx.storage.setAlarm(Math.max(Math.min(...due), now));
  }

  /** Drops everything, alarm included; the object is as if it had never been used. */
  async #wipe(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.#schemaReady = false;
  }

  /**
   * Trims to the newest `max` messages; if that leaves an answer without its question at the
   * start, the answer goes too, so the history always begins with a whole turn.
   */
  #trimToMaxMessages(max: number): void {
    this.#sql('DELETE FROM messages WHERE id NOT IN (SELECT id FROM messages ORDER BY id DESC LIMIT ?)', max);
    this.#sql(
      `DELETE FROM messages WHERE id < COALESCE(
         (SELECT MIN(id) FROM messages WHERE role IN ('user', 'system')),
         (SELECT MAX(id) + 1 FROM messages))`,
    );
  }

  /**
   * The newest usable messages, newest read first, until their tokens exceed the budget: the
   * context builder cannot use anything older, so a long session is never read whole.
   */
  #recentHistory(contextTokens: number): HistoryCandidate[] {
    const cursor = this.ctx.storage.sql.exec<ContextRow>(
      "SELECT role, content, tokens, status FROM messages WHERE status != 'error' ORDER BY id DESC",
    );
    const newestFirst: HistoryCandidate[] = [];
    let total = 0;
    for (const row of cursor) {
      newestFirst.push({ role: row.role, content: row.content, tokens: row.tokens, status: row.status });
      total += row.tokens + MESSAGE_OVERHEAD_TOKENS;
      if (total > contextTokens) break;
    }
    return newestFirst.reverse();
  }

  #insertMessage(
    role: MessageRole,
    content: string,
    tokens: number | undefined,
    model: string | undefined,
    requestId: string,
    now: number,
    status: MessageStatus,
  ): MessageRow {
    const rows = this.#sql<MessageRow>(
      `INSERT INTO messages (role, content, tokens, model, request_id, created_at, status)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      role,
      content,
      tokens ?? estimateTokens(content),
      model ?? null,
      requestId,
      now,
      status,
    );
    const row = rows[0];
    if (!row) throw new Error('INSERT … RETURNING returned no row');
    return row;
  }

  #ensureSchema(now: number): void {
    if (this.#hasSchemaCached()) return;
    migrate(this.ctx.storage, MIGRATIONS, now);
    this.#schemaReady = true;
  }

  #hasSchemaCached(): boolean {
    if (!this.#schemaReady) this.#schemaReady = hasSchema(this.ctx.storage.sql);
    return this.#schemaReady;
  }

  #owner(tenantId: string): 'self' | 'other' | 'none' {
    const stored = this.#readMeta('tenant_id');
    if (stored === undefined) return 'none';
    return stored === tenantId ? 'self' : 'other';
  }

  #readLock(): LockRow | undefined {
    return this.#sql<LockRow>('SELECT request_id, expires_at FROM turn_lock WHERE id = 1')[0];
  }

  #readRetention(): RetentionSettings | undefined {
    const days = this.#readMeta('retention_days');
    const max = this.#readMeta('max_messages');
    if (days === undefined || max === undefined) return undefined;
    return { retentionDays: Number(days), maxMessages: Number(max) };
  }

  #messageCount(): number {
    return this.#sql<{ n: number }>('SELECT COUNT(*) AS n FROM messages')[0]?.n ?? 0;
  }

  #readMeta(key: string): string | undefined {
    return this.#sql<MetaRow>('SELECT value FROM meta WHERE key = ?', key)[0]?.value;
  }

  #writeMeta(key: string, value: string): void {
    this.#sql(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      key,
      value,
    );
  }

  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the row type is the caller's claim about its SELECT, exactly as with SqlStorage.exec<T>
  #sql<T extends Record<string, SqlStorageValue> = Record<string, SqlStorageValue>>(
    query: string,
    ...bindings: (string | number | null)[]
  ): T[] & { rowsWritten: number } {
    const cursor = this.ctx.storage.sql.exec<T>(query, ...bindings);
    const rows = cursor.toArray();
    return Object.assign(rows, { rowsWritten: cursor.rowsWritten });
  }
}
