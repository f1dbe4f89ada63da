import type { GatewayError } from '@aigw/core';
import type { RuleSet } from './policy.ts';
import { findHits, firstBlock, redact, type Hit } from './scan.ts';

/** Characters already sent that a scan still reads, so look-behinds see what precedes the buffer. */
const CONTEXT = 32;
/**
 * The most a pending match (a key block, a long token) may hold back. Past it the text is
 * released as if nothing were pending: an unterminated "-----BEGIN" must not swallow an answer.
 */
export const MAX_HOLD = 16_384;
/** How much new answer text a streamed safety check waits for before classifying again. */
export const SAFETY_STRIDE = 512;

/** What the stream guard needs from the request's guard (guard.ts). */
export interface StreamHooks {
  /** A span rule acted; `block` also ends the stream (the caller throws what `push` throws). */
  taken: (hit: Hit) => void;
  /** A block: the error that ends the stream. */
  blocked: (hit: Hit) => GatewayError;
  /** The output rules on a whole text at once (guard.ts's `output`). */
  whole: (text: string) => Promise<string>;
  /** Classifies the answer so far; resolves to the error that ends the stream, if it must end. */
  judge?: ((answer: string, final: boolean) => Promise<GatewayError | undefined>) | undefined;
}

/**
 * Output rules applied to an answer as it streams. Text is held back only as far as a match could
 * still be completed: the last `window` characters (the longest match of any rule), or from the
 * start of a match that is still growing at the end. Everything before that is released at once,
 * redacted, so a secret split across any number of chunks is seen whole, and time to first token
 * grows by at most the window. A block throws from the `push` that makes the match final; nothing
 * of it has been released.
 *
 * Hazard checks (safety rules) do not hold text back: the answer so far is classified every
 * `SAFETY_STRIDE` characters in the background and a verdict that blocks ends the stream at the
 * next chunk; `flush` waits for the final verdict.
 */
export class StreamGuard {
  #buffer = '';
  #context = '';
  #failure: GatewayError | undefined;
  /** The answer as released, for the safety checks (only kept when there are safety rules). */
  #released = '';
  #judged = 0;
  #judging: Promise<void> = Promise.resolve();

  constructor(
    private readonly rules: RuleSet,
    private readonly hooks: StreamHooks,
  ) {}

  /** Text that may go to the client now (often '' while the window fills); throws on a block. */
  push(chunk: string): string {
    if (this.#failure !== undefined) throw this.#failure;
    this.#buffer += chunk;
    if (this.#buffer.length <= this.rules.window) return '';
    const out = this.#release(false);
    if (this.hooks.judge !== undefined && out !== '') this.#note(out);
    return out;
  }

  /** The end of the answer (or of a tool step): everything held, after the final checks. */
  async flush(): Promise<string> {
    if (this.#failure !== undefined) throw this.#failure;
    const out = this.#release(true);
    if (this.hooks.judge !== undefined) {
      this.#released += out;
      await this.#judging;
      // A background check may have ended the stream while this one waited.
      let failure = this.#failed();
      if (failure === undefined && this.#released.length > this.#judged) {
        failure = await this.hooks.judge(this.#released, true);
        this.#failure = failure;
        this.#judged = this.#released.length;
      }
      if (failure !== undefined) throw failure;
    }
    return out;
  }

  #failed(): GatewayError | undefined {
    return this.#failure;
  }

  /** A whole piece of output at once (the arguments of a client's tool call), not part of the stream. */
  whole(text: string): Promise<string> {
    return this.hooks.whole(text);
  }

  /** Releases what no match can still reach; with `final`, all of it. */
  #release(final: boolean): string {
    const scan = this.#context + this.#buffer;
    const offset = this.#context.length;
    const hits = findHits(this.rules.spans, scan).filter((hit) => hit.end > offset);
    const cut = final ? scan.length : this.#cutOf(scan, offset, hits);
    if (cut <= offset) return '';
    const settled = hits.filter((hit) => hit.end <= cut);
    const block = firstBlock(settled);
    if (block !== undefined) {
      this.#failure = this.hooks.blocked(block);
      this.#buffer = '';
      throw this.#failure;
    }
    const text = scan.slice(offset, cut);
    const out = settled.length === 0 ? text : redact(text, settled, this.hooks.taken, offset);
    this.#context = scan.slice(Math.max(0, cut - CONTEXT), cut);
    this.#buffer = scan.slice(cut);
    return out;
  }

  /** Where the released text must stop: before the window, any growing match and any match across it. */
  #cutOf(scan: string, offset: number, hits: readonly Hit[]): number {
    let cut = scan.length - this.rules.window;
    for (const rule of this.rules.spans) {
      const pending = rule.detector.pending?.(scan);
      if (pending !== undefined) cut = Math.min(cut, pending);
    }
    if (scan.length - cut > MAX_HOLD) cut = scan.length - this.rules.window;
    // Descending, so a cut moved back to one match's start is checked against the matches before it.
    for (let i = hits.length - 1; i >= 0; i--) {
      const hit = hits[i] as Hit;
      if (hit.end > cut && hit.start < cut) cut = hit.start;
    }
    return Math.max(cut, offset);
  }

  /** Starts a background safety check once a stride of new text has gone out. */
  #note(out: string): void {
    this.#released += out;
    if (this.#released.length - this.#judged < SAFETY_STRIDE) return;
    const answer = this.#released;
    this.#judged = answer.length;
    const judge = this.hooks.judge;
    if (judge === undefined) return;
    this.#judging = this.#judging.then(async () => {
      if (this.#failure !== undefined) return;
      try {
        this.#failure = await judge(answer, false);
      } catch (error) {
        this.#failure = error as GatewayError;
      }
    });
  }
}
