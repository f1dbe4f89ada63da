import type { KeyFields } from '../keys/policy.ts';
import type { StoredKey } from '../keys/schema.ts';
import type { KeyRow, SecretRow } from './tables.ts';

/** The JSON of a key's `spec` column. */
type Spec = Pick<StoredKey, 'scopes' | 'models' | 'rates' | 'budget' | 'metadata'>;

/** A key row and its live secrets as the stored key (the current secret's prefix, a rotation's old one). */
export function readKey(row: KeyRow, secrets: readonly SecretRow[]): StoredKey {
  const spec = JSON.parse(row.spec) as Spec & { prefix?: string };
  const current = secrets.find((secret) => secret.expires_at === null);
  const previous = secrets.find((secret) => secret.expires_at !== null);
  return {
    id: row.id,
    name: row.name,
    ...spec,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    createdBy: row.created_by,
    // A revoked key has no secrets left; its row keeps the prefix it was known by.
    prefix: current?.prefix ?? spec.prefix ?? '',
    previous:
      previous === undefined || previous.expires_at === null
        ? null
        : { prefix: previous.prefix, expiresAt: previous.expires_at },
  };
}

export function writeKey(sql: SqlStorage, key: StoredKey): void {
  const spec: Spec & { prefix: string } = {
    scopes: key.scopes,
    models: key.models,
    rates: key.rates,
    budget: key.budget,
    metadata: key.metadata,
    prefix: key.prefix,
  };
  sql.exec(
    `INSERT INTO keys (id, name, spec, created_at, updated_at, expires_at, revoked_at, last_used_at, created_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, spec = excluded.spec, updated_at = excluded.updated_at,
       expires_at = excluded.expires_at, revoked_at = excluded.revoked_at`,
    key.id,
    key.name,
    JSON.stringify(spec),
    key.createdAt,
    key.updatedAt,
    key.expiresAt,
    key.revokedAt,
    key.lastUsedAt,
    key.createdBy,
  );
}

/** The key with the fields an update names; `null` is a value (it clears models or the expiry). */
export function applyFields(key: StoredKey, fields: Partial<KeyFields>): StoredKey {
  return {
    ...key,
    name: fields.name ?? key.name,
    scopes: fields.scopes ?? key.scopes,
    models: fields.models === undefined ? key.models : fields.models,
    rates: fields.rates ?? key.rates,
    budget: fields.budget ?? key.budget,
    expiresAt: fields.expiresAt === undefined ? key.expiresAt : fields.expiresAt,
    metadata: fields.metadata ?? key.metadata,
  };
}
