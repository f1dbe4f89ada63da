/**
 * JSON with object keys sorted at every depth, so equal values always serialise (and hash)
 * equally whatever order a client sent their keys in. `undefined` serialises as `null`.
 *
 * Written as a loop over an explicit stack, not as recursion: the input is often a client's
 * (tool arguments, document metadata), and a recursive walk over a value nested 10,000 deep
 * overflows the stack. The output is byte-for-byte what sorting the keys and calling
 * `JSON.stringify` gives for JSON data (existing audit-chain and content hashes depend on it):
 * object keys in `Array.prototype.sort` order (integer-like keys first, as objects list them), properties whose value is `undefined`, a function
 * or a symbol left out, such array items written as `null`, non-finite numbers as `null`, any
 * non-array object (a `Date`, a `Map`) as its own enumerable keys. `toJSON` is not called. A
 * cycle throws a `TypeError`, as `JSON.stringify` does.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  // Objects on the current path; a value met again while still open is a cycle.
  const open = new Set<object>();

  const write = (item: unknown): void => {
    if (Array.isArray(item)) {
      enter(item);
      out.push('[');
      stack.push({ kind: 'array', source: item, items: item, next: 0 });
    } else if (item !== null && typeof item === 'object') {
      enter(item);
      const record = item as Record<string, unknown>;
      out.push('{');
      const sorted = Object.keys(record)
        .filter((key) => !isOmitted(record[key]))
        .sort();
      // The order of an object rebuilt with its keys sorted, as the former implementation wrote
      // them: JavaScript lists integer-like keys first, in numeric order ("9" before "10" before
      // ""), and stored hashes depend on it.
      const keys = Object.keys(Object.fromEntries(sorted.map((key) => [key, true])));
      stack.push({ kind: 'object', source: item, record, keys, next: 0 });
    } else {
      // Primitives only here: JSON.stringify gives the exact JSON text (and throws on a bigint).
      out.push(JSON.stringify(isOmitted(item) ? null : item));
    }
  };
  const enter = (item: object): void => {
    if (open.has(item)) throw new TypeError('canonicalJson: the value has a circular reference.');
    open.add(item);
  };

  write(value);
  for (let frame = stack.at(-1); frame !== undefined; frame = stack.at(-1)) {
    if (frame.kind === 'array') {
      if (frame.next === frame.items.length) {
        close(frame, ']');
        continue;
      }
      if (frame.next > 0) out.push(',');
      write(frame.items[frame.next++]);
    } else {
      const key = frame.keys[frame.next];
      if (key === undefined) {
        close(frame, '}');
        continue;
      }
      if (frame.next > 0) out.push(',');
      frame.next += 1;
      out.push(JSON.stringify(key), ':');
      write(frame.record[key]);
    }
  }
  return out.join('');

  function close(frame: Frame, bracket: string): void {
    out.push(bracket);
    stack.pop();
    open.delete(frame.source);
  }
}

type Frame =
  | { kind: 'array'; source: object; items: readonly unknown[]; next: number }
  | {
      kind: 'object';
      source: object;
      record: Record<string, unknown>;
      keys: readonly string[];
      next: number;
    };

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}
