import { describe, expect, it } from 'vitest';
import { gcra } from './gcra.ts';

function run(count: number, now: number, input: { rate: number; burst: number }, start?: number) {
  let tat = start;
  const decisions = [];
  for (let i = 0; i < count; i++) {
    const decision = gcra(tat, now, input);
    tat = decision.tat;
    decisions.push(decision);
  }
  return { decisions, tat };
}

describe('gcra', () => {
  it('admits exactly `burst` requests at once from idle', () => {
    const { decisions } = run(12, 0, { rate: 60, burst: 10 });
    expect(decisions.map((d) => d.allowed)).toEqual([...Array<boolean>(10).fill(true), false, false]);
    expect(decisions.map((d) => d.remaining).slice(0, 11)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0]);
    expect(decisions[10]).toMatchObject({ limit: 10, retryAfterSeconds: 1, resetSeconds: 10 });
  });

  it('refills one request per emission interval', () => {
    // 60/min: one request per second.
    const { tat } = run(10, 0, { rate: 60, burst: 10 });
    expect(gcra(tat, 999, { rate: 60, burst: 10 }).allowed).toBe(false);
    const after = gcra(tat, 1000, { rate: 60, burst: 10 });
    expect(after).toMatchObject({ allowed: true, remaining: 0 });
    expect(gcra(after.tat, 1000, { rate: 60, burst: 10 }).allowed).toBe(false);
    // At 10 s one unit (the request at 1 s) is still outstanding; admitting another leaves 8.
    expect(gcra(after.tat, 10_000, { rate: 60, burst: 10 }).remaining).toBe(8);
  });

  it('is exact for rates that do not divide a minute', () => {
    const { decisions } = run(8, 0, { rate: 7, burst: 7 });
    expect(decisions.filter((d) => d.allowed)).toHaveLength(7);
  });

  it('charges a cost of several units and refuses what can never fit', () => {
    expect(gcra(undefined, 0, { rate: 60, burst: 10, cost: 4 }).remaining).toBe(6);
    expect(gcra(undefined, 0, { rate: 60, burst: 3, cost: 4 }).allowed).toBe(false);
  });
});
