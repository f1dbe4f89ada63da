import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical.ts';
import { JSON_MAX_DEPTH, checkJsonText } from './bounds.ts';

/** The implementation canonicalJson replaced (recursive): its output is what stored hashes hold. */
function recursiveCanonicalJson(value: unknown): string {
  const sortKeys = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(sortKeys);
    if (item !== null && typeof item === 'object') {
      const record = item as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(record)
          .sort()
          .map((key) => [key, sortKeys(record[key])]),
      );
    }
    return item;
  };
  // JSON.stringify returns undefined for undefined, whatever its lib type says.
  const json = JSON.stringify(sortKeys(value)) as string | undefined;
  return json ?? 'null';
}

/** `depth` levels of `[`…`]` around `inner`, built as text (no recursion anywhere). */
const nestedArrays = (depth: number, inner = '0') => '['.repeat(depth) + inner + ']'.repeat(depth);

describe('canonicalJson', () => {
  const samples: unknown[] = [
    null,
    undefined,
    0,
    -0,
    1.5e300,
    Number.NaN,
    Infinity,
    'text with "quotes" and \u2028 and é',
    true,
    [],
    {},
    [1, undefined, () => 1, Symbol('s'), null, 'x'],
    { b: 1, a: { d: 2, c: [3, { f: 4, e: 5 }] }, u: undefined, fn: () => 1 },
    { '': 0, ä: 1, Z: 2, a: 3, '10': 4, '9': 5, __proto__x: 6 },
    { nested: [[[{ z: [] }]], { y: {} }] },
    new Date(0),
    [1, , 3],
  ];

  it('writes exactly what sorting the keys and JSON.stringify wrote, so stored hashes still match', () => {
    for (const sample of samples) expect(canonicalJson(sample)).toBe(recursiveCanonicalJson(sample));
  });

  it('sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
  });

  it('canonicalises a value nested 100,000 levels deep without overflowing the stack', () => {
    const deep: unknown = JSON.parse(nestedArrays(100_000));
    expect(() => recursiveCanonicalJson(deep)).toThrow(RangeError);
    expect(canonicalJson(deep)).toBe(nestedArrays(100_000));
    const deepObjects: unknown = JSON.parse('{"b":'.repeat(20_000) + '{"z":1,"a":2}' + '}'.repeat(20_000));
    expect(canonicalJson(deepObjects)).toBe('{"b":'.repeat(20_000) + '{"a":2,"z":1}' + '}'.repeat(20_000));
  });

  it('refuses a cycle with a TypeError instead of looping', () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle['self'] = { back: cycle };
    expect(() => canonicalJson(cycle)).toThrow(TypeError);
    // The same object twice, side by side, is not a cycle.
    const shared = { x: 1 };
    expect(canonicalJson([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });
});

describe('checkJsonText', () => {
  const limits = { maxDepth: JSON_MAX_DEPTH, maxBytes: 1_000_000 };

  it('accepts JSON up to the depth limit and names the path of the first value past it', () => {
    expect(checkJsonText(nestedArrays(JSON_MAX_DEPTH), limits)).toBeUndefined();
    const issue = checkJsonText(nestedArrays(JSON_MAX_DEPTH + 1), limits);
    expect(issue).toMatchObject({ code: 'too_deep', maximum: 64, received: 65, unit: 'levels' });
    expect(issue?.path).toEqual(new Array<number>(64).fill(0));
  });

  it('follows keys and array positions, and ignores brackets inside strings', () => {
    const text = JSON.stringify({
      '{[': '[[[[[[',
      documents: [{ id: 'a,b', metadata: 1 }, { 'odd "key"': { x: [[1], [2, { y: {} }]] } }],
    });
    expect(checkJsonText(text, { ...limits, maxDepth: 8 })).toBeUndefined();
    expect(checkJsonText(text, { ...limits, maxDepth: 7 })).toMatchObject({
      code: 'too_deep',
      path: ['documents', 1, 'odd "key"', 'x', 1, 1, 'y'],
      message: 'documents[1]["odd \\"key\\""].x[1][1].y: nested more than 7 levels deep, at most 7 allowed',
    });
  });

  it('stops at the limit: a 10,000-deep body is refused without being walked to the bottom', () => {
    expect(checkJsonText(nestedArrays(10_000), limits)?.code).toBe('too_deep');
  });

  it('counts UTF-8 bytes, not characters', () => {
    const text = JSON.stringify('é'.repeat(10)); // 10 characters, 20 bytes, plus two quotes
    expect(checkJsonText(text, { ...limits, maxBytes: 22 })).toBeUndefined();
    expect(checkJsonText(text, { ...limits, maxBytes: 21 })).toMatchObject({
      code: 'too_large',
      received: 22,
      maximum: 21,
      unit: 'bytes',
    });
    expect(checkJsonText(JSON.stringify('😀'), { ...limits, maxBytes: 5 })).toMatchObject({ received: 6 });
  });
});
