import { DurableObject } from 'cloudflare:workers';
import { hasSchema, migrate, readMeta, writeMeta, type Migration } from '@aigw/core/sqlite';
import { ok, parseInput as parse, refuse } from '@aigw/core';
import {
  putResponseInputSchema,
  responseRefSchema,
  type PutResponseInput,
  type ResponseRef,
  type ResponseStoreResult,
  type StoredResponse,
} from './schema.ts';

const DAY_MS = 86_400_000;
/** Another tenant's response and a missing one must be indistinguishable to the caller. */
const NOT_FOUND = 'No response with this id exists.';

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE items (seq INTEGER PRIMARY KEY, item TEXT NOT NULL);
    `,
  },
];

type ItemRow = { item: string };

/**
 * One stored response of the Responses API (name `tenant:resp_<hex>`, see `responseStore`): the
 * response object and the conversation a `previous_response_id` continues from. Written once, read
 * many times, deleted on request or when its retention lapses (by alarm). The object stores its
 * tenant and answers every other tenant as if it did not exist. Items are one row each, so a long
 * conversation is never one value past SQLite's 2 MB limit.
 */
export class ResponseStoreDO extends DurableObject<Env> {
  async put(raw: PutResponseInput): Promise<ResponseStoreResult<{ stored: true }>> {
    const input = parse(putResponseInputSchema, raw);
    if (!input.ok) return input;
    const { tenantId, response, items, retentionDays } = input.value;
    const now = input.value.now ?? Date.now();
    if (hasSchema(this.ctx.storage.sql)) {
      // Ids are server-generated and fresh: a second write is a bug, never an overwrite.
      return refuse('invalid_request', 'This response is already stored.');
    }
    migrate(this.ctx.storage, MIGRATIONS, now);
    const expiresAt = now + retentionDays * DAY_MS;
    this.ctx.storage.transactionSync(() => {
      writeMeta(this.ctx.storage.sql, 'tenant_id', tenantId);
      writeMeta(this.ctx.storage.sql, 'response', response);
      writeMeta(this.ctx.storage.sql, 'expires_at', String(expiresAt));
      items.forEach((item, seq) => {
        this.ctx.storage.sql.exec('INSERT INTO items (seq, item) VALUES (?, ?)', seq, item);
      });
    });
    await this.ctx.storage.setAlarm(expiresAt);
    return ok({ stored: true as const });
  }

  get(raw: ResponseRef): ResponseStoreResult<StoredResponse> {
    const input = parse(responseRefSchema, raw);
    if (!input.ok) return input;
    if (!this.#owns(input.value.tenantId, input.value.now ?? Date.now()))
      return refuse('not_found', NOT_FOUND);
    const response = readMeta(this.ctx.storage.sql, 'response') ?? '{}';
    const items = this.ctx.storage.sql
      .exec<ItemRow>('SELECT item FROM items ORDER BY seq')
      .toArray()
      .map((row) => row.item);
    return ok({ response, items });
  }

  /** Deletes the response. Another tenant's (or a missing) response is `not_found`. */
  async remove(raw: ResponseRef): Promise<ResponseStoreResult<{ deleted: true }>> {
    const input = parse(responseRefSchema, raw);
    if (!input.ok) return input;
    if (!this.#owns(input.value.tenantId, input.value.now ?? Date.now()))
      return refuse('not_found', NOT_FOUND);
    await this.#wipe();
    return ok({ deleted: true as const });
  }

  override async alarm(): Promise<void> {
    await this.#wipe();
  }

  /** The object holds a live response of this tenant (an expired one counts as gone). */
  #owns(tenantId: string, now: number): boolean {
    if (!hasSchema(this.ctx.storage.sql)) return false;
    if (readMeta(this.ctx.storage.sql, 'tenant_id') !== tenantId) return false;
    return Number(readMeta(this.ctx.storage.sql, 'expires_at') ?? 0) > now;
  }

  async #wipe(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }
}
