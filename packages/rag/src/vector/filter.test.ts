import { describe, expect, it } from 'vitest';
import { GatewayError } from '@aigw/core';
import { freshTenant, localStore } from '../../test/helpers.ts';
import type { MetadataFilter, VectorRecord } from './types.ts';

const records: VectorRecord[] = [
  { id: 'a', values: [1, 0.0], metadata: { kind: 'guide', year: 2021, draft: false, meta: { team: 'red' } } },
  { id: 'b', values: [1, 0.1], metadata: { kind: 'faq', year: 2023, draft: true, meta: { team: 'blue' } } },
  { id: 'c', values: [1, 0.2], metadata: { kind: 'guide', year: 2025, draft: false } },
  { id: 'd', values: [1, 0.3], metadata: { kind: 'policy', year: 2019 } },
  { id: 'e', values: [1, 0.4], metadata: { year: 2024, title: 'zeta' } },
];

async function ids(filter: MetadataFilter): Promise<string[]> {
  const store = localStore(scope);
  const { matches } = await store.query([1, 0], { topK: 10, filter });
  return matches.map((m) => m.id).sort();
}

const scope = freshTenant('filter');
await localStore(scope).upsert(records);

describe('metadata filters (local index)', () => {
  it.each<[string, MetadataFilter, string[]]>([
    ['implicit $eq', { kind: 'guide' }, ['a', 'c']],
    ['$eq', { kind: { $eq: 'faq' } }, ['b']],
    ['$eq boolean', { draft: { $eq: true } }, ['b']],
    ['$eq null (field missing)', { kind: null }, ['e']],
    ['$ne (missing fields match)', { kind: { $ne: 'guide' } }, ['b', 'd', 'e']],
    ['$in', { kind: { $in: ['faq', 'policy'] } }, ['b', 'd']],
    ['$nin', { kind: { $nin: ['guide', 'faq'] } }, ['d', 'e']],
    ['$lt', { year: { $lt: 2021 } }, ['d']],
    ['$lte', { year: { $lte: 2021 } }, ['a', 'd']],
    ['$gt', { year: { $gt: 2023 } }, ['c', 'e']],
    ['$gte', { year: { $gte: 2023 } }, ['b', 'c', 'e']],
    ['lower with upper bound', { year: { $gte: 2021, $lt: 2024 } }, ['a', 'b']],
    ['string range', { title: { $gt: 'a' } }, ['e']],
    ['range needs the same type', { year: { $gt: '2000' } }, []],
    ['nested with a dotted key', { 'meta.team': 'blue' }, ['b']],
    ['clauses are ANDed', { kind: 'guide', year: { $gt: 2022 } }, ['c']],
  ])('%s', async (_label, filter, expected) => {
    expect(await ids(filter)).toEqual(expected);
  });

  it('applies the filter before topK', async () => {
    const { matches } = await localStore(scope).query([1, 0], { topK: 1, filter: { kind: 'policy' } });
    expect(matches.map((m) => m.id)).toEqual(['d']);
  });

  it.each<[string, unknown]>([
    ['an empty filter', {}],
    ['an unknown operator', { kind: { $regex: 'g.*' } }],
    ['$eq combined with a range', { year: { $eq: 2021, $gt: 2000 } }],
    ['two lower bounds', { year: { $gt: 2000, $gte: 2001 } }],
    ['a key starting with $', { $kind: 'guide' }],
    ['a key with a double quote', { 'ki"nd': 'guide' }],
    ['an empty dotted segment', { 'meta..team': 'x' }],
    ['a boolean range bound', { draft: { $lt: true } }],
    ['an empty $in', { kind: { $in: [] } }],
    [
      'a filter of 2048 bytes or more',
      { kind: { $in: Array.from({ length: 300 }, (_, i) => `value-${i}`) } },
    ],
  ])('refuses %s with invalid_request', async (_label, filter) => {
    const error: unknown = await localStore(scope)
      .query([1, 0], { filter: filter as MetadataFilter })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('invalid_request');
  });
});
