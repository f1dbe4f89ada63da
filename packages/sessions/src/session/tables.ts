import type { Migration } from '@aigw/core/sqlite';
import type { MessageRole, MessageStatus } from './schema.ts';

/** The SessionDO's SQLite schema, one step per version (never edit a shipped step). */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
        content TEXT NOT NULL,
        tokens INTEGER NOT NULL,
        model TEXT,
        request_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('complete', 'incomplete', 'error'))
      );
      CREATE INDEX messages_created_at ON messages (created_at);
      CREATE TABLE turn_lock (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        request_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
];

// Row shapes are `type`s: SqlStorage needs an index signature, which interfaces do not get.
export type MessageRow = {
  id: number;
  role: MessageRole;
  content: string;
  tokens: number;
  model: string | null;
  request_id: string;
  created_at: number;
  status: MessageStatus;
};
export type ContextRow = Pick<MessageRow, 'role' | 'content' | 'tokens' | 'status'>;
export type LockRow = { request_id: string; expires_at: number };
export type MetaRow = { value: string };
