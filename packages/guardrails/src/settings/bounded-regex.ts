/**
 * The check a tenant's own regular expression must pass before the gateway runs it on every
 * request and every streamed chunk. JavaScript cannot interrupt a running `RegExp`, so a budget
 * at run time is no protection: a pattern is refused up front unless its backtracking is bounded
 * by construction.
 *
 * Accepted: literals, escapes, classes, `.`, anchors, groups and alternation, and the bounded
 * quantifiers `?`, `{n}`, `{n,m}`. Refused: `*`, `+` and `{n,}` (no bound on a match, so no
 * stream window either), backreferences and lookarounds (they make matching non-regular). Two
 * figures are computed from the parse: the longest possible match, which must fit the stream
 * hold-back window, and an upper bound on the paths a backtracking engine can try from one start
 * position (the product over a sequence, the sum over alternatives, the sum of powers over a
 * quantified group), which must stay under `MAX_REGEX_PATHS`. `(a|a){0,30}` or thirty `a?` in a
 * row exceed it; `\d{3}-\d{2}-\d{4}` has one path.
 */

/** The longest match a tenant pattern may have: the stream hold-back window. */
export const MAX_REGEX_MATCH = 64;
/** The most backtracking paths one start position may have (see above). */
export const MAX_REGEX_PATHS = 10_000;

export type RegexCheck = { ok: true; maxLength: number; paths: number } | { ok: false; reason: string };

interface Metrics {
  maxLength: number;
  paths: number;
}

const CAP = MAX_REGEX_PATHS + 1;
const cap = (n: number): number => Math.min(n, CAP);

class Refusal extends Error {}

/** Parses `source` (a `u`-flag pattern) far enough to bound it; never runs it. */
export function checkBoundedRegex(source: string): RegexCheck {
  try {
    new RegExp(source, 'u');
  } catch (error) {
    return { ok: false, reason: `not a valid regular expression: ${(error as Error).message}` };
  }
  const parser = new Parser(source);
  try {
    const metrics = parser.alternation();
    if (!parser.done()) throw new Refusal(`unexpected ")" at ${parser.at}`);
    if (metrics.maxLength > MAX_REGEX_MATCH) {
      return {
        ok: false,
        reason: `a match can be ${metrics.maxLength} characters long; at most ${MAX_REGEX_MATCH} (the stream window) are allowed`,
      };
    }
    if (metrics.paths > MAX_REGEX_PATHS) {
      return {
        ok: false,
        reason: `more than ${MAX_REGEX_PATHS} backtracking paths per position: nest fewer optional or repeated parts`,
      };
    }
    if (metrics.maxLength === 0) return { ok: false, reason: 'the pattern matches only empty text' };
    return { ok: true, ...metrics };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, reason: error.message };
    throw error;
  }
}

class Parser {
  at = 0;
  constructor(private readonly source: string) {}

  done(): boolean {
    return this.at >= this.source.length;
  }

  private peek(): string | undefined {
    return this.source[this.at];
  }

  alternation(): Metrics {
    let result = this.sequence();
    while (this.peek() === '|') {
      this.at++;
      const next = this.sequence();
      result = {
        maxLength: Math.max(result.maxLength, next.maxLength),
        paths: cap(result.paths + next.paths),
      };
    }
    return result;
  }

  private sequence(): Metrics {
    let maxLength = 0;
    let paths = 1;
    for (let char = this.peek(); char !== undefined && char !== '|' && char !== ')'; char = this.peek()) {
      const atom = this.quantified(this.atom());
      maxLength += atom.maxLength;
      paths = cap(paths * atom.paths);
    }
    return { maxLength, paths };
  }

  private atom(): Metrics {
    const char = this.peek();
    this.at++;
    switch (char) {
      case '(':
        return this.group();
      case '[':
        this.skipClass();
        return { maxLength: 1, paths: 1 };
      case '\\':
        return this.escape();
      case '^':
      case '$':
        return { maxLength: 0, paths: 1 };
      case '*':
      case '+':
      case '?':
      case '{':
        throw new Refusal(`a quantifier with nothing to repeat at ${this.at - 1}`);
      default:
        return { maxLength: 1, paths: 1 };
    }
  }

  private group(): Metrics {
    if (this.peek() === '?') {
      const kind = this.source.slice(this.at, this.at + 3);
      if (kind.startsWith('?:')) this.at += 2;
      else if (kind.startsWith('?<') && kind !== '?<=' && kind !== '?<!') {
        const close = this.source.indexOf('>', this.at);
        this.at = close + 1;
      } else throw new Refusal('lookarounds are not allowed');
    }
    const inner = this.alternation();
    if (this.peek() !== ')') throw new Refusal('an unclosed group');
    this.at++;
    return inner;
  }

  private skipClass(): void {
    while (this.at < this.source.length) {
      const char = this.source[this.at++];
      if (char === '\\') this.at++;
      else if (char === ']') return;
    }
  }

  private escape(): Metrics {
    const char = this.source[this.at++];
    if (char === undefined) throw new Refusal('a trailing backslash');
    if (/[1-9]/.test(char) || char === 'k') throw new Refusal('backreferences are not allowed');
    if (char === 'b' || char === 'B') return { maxLength: 0, paths: 1 };
    if (char === 'u' && this.peek() === '{') this.at = this.source.indexOf('}', this.at) + 1;
    else if (char === 'u') this.at += 4;
    else if (char === 'x') this.at += 2;
    else if (char === 'c') this.at += 1;
    else if ((char === 'p' || char === 'P') && this.peek() === '{')
      this.at = this.source.indexOf('}', this.at) + 1;
    return { maxLength: 1, paths: 1 };
  }

  /** Applies a quantifier after `atom`, if there is one. */
  private quantified(atom: Metrics): Metrics {
    const char = this.peek();
    let min: number;
    let max: number;
    if (char === '*' || char === '+') {
      throw new Refusal(`"${char}" has no upper bound: write {0,n} or {1,n}`);
    } else if (char === '?') {
      this.at++;
      [min, max] = [0, 1];
    } else if (char === '{') {
      const match = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(this.source.slice(this.at));
      if (match === null) return atom; // A literal "{", as the `u` flag would have refused otherwise.
      this.at += match[0].length;
      min = Number(match[1]);
      if (match[2] === undefined) max = min;
      else if (match[3] === '' || match[3] === undefined)
        throw new Refusal('"{n,}" has no upper bound: write {n,m}');
      else max = Number(match[3]);
    } else return atom;
    if (this.peek() === '?') this.at++; // Lazy: the same paths, tried in another order.
    return { maxLength: atom.maxLength * max, paths: repeatPaths(atom.paths, min, max) };
  }
}

/** Σ p^k for k in [min, max]: each repetition count, and each path of each repetition. */
function repeatPaths(paths: number, min: number, max: number): number {
  if (paths === 1) return cap(max - min + 1);
  let total = 0;
  let power = cap(paths ** Math.min(min, 64));
  for (let k = min; k <= max && total < CAP; k++) {
    total += power;
    power = cap(power * paths);
  }
  return cap(total);
}
