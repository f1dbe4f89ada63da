/** Where progress and messages go: `process.stderr`, or a string sink in tests. */
export interface Output {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Counts {
  added: number;
  updated: number;
  unchanged: number;
  /** Files whose content hash matches the state file: not sent at all. */
  skipped: number;
  failed: number;
}

export const emptyCounts = (): Counts => ({ added: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 });

/** `[#####.....] 40/100 files  12 added  3 updated  20 unchanged  1 failed` (skipped when any). */
export function progressLine(done: number, total: number, counts: Counts, width = 10): string {
  const filled = total === 0 ? width : Math.min(width, Math.floor((done / total) * width));
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  const parts = [
    `${bar} ${done}/${total} files`,
    `${counts.added} added`,
    `${counts.updated} updated`,
    `${counts.unchanged} unchanged`,
    ...(counts.skipped > 0 ? [`${counts.skipped} skipped`] : []),
    `${counts.failed} failed`,
  ];
  return parts.join('  ');
}

export interface ProgressOptions {
  /** Without a TTY: at least this long between two lines. */
  intervalMs?: number;
  now?: () => number;
}

/**
 * On a TTY, one line redrawn in place (`\r` + erase to end of line), clipped to the terminal
 * width so it never wraps; otherwise (CI logs, pipes) a plain line at most every `intervalMs`, so a
 * log is not flooded, plus the final state.
 */
export class Progress {
  private done = 0;
  private counts = emptyCounts();
  private lastPrinted: number | undefined;
  private lastLine = '';
  private drawn = false;
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly out: Output,
    private readonly total: number,
    options: ProgressOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  update(done: number, counts: Counts): void {
    this.done = done;
    this.counts = { ...counts };
    if (this.out.isTTY) {
      this.draw();
      return;
    }
    const now = this.now();
    if (this.lastPrinted === undefined || now - this.lastPrinted >= this.intervalMs) {
      this.lastPrinted = now;
      this.printPlain();
    }
  }

  /** A message on its own line; the bar is redrawn under it. */
  log(message: string): void {
    if (this.out.isTTY && this.drawn) {
      this.out.write(`\r\x1b[K${message}\n`);
      this.draw();
    } else {
      this.out.write(`${message}\n`);
    }
  }

  /** Leaves the final state on screen (or in the log) and ends the line. */
  finish(): void {
    if (this.out.isTTY) {
      this.draw();
      this.out.write('\n');
      this.drawn = false;
    } else if (this.line() !== this.lastLine) {
      this.printPlain();
    }
  }

  private line(): string {
    return progressLine(this.done, this.total, this.counts);
  }

  private draw(): void {
    // A pseudo-terminal without a size reports 0 columns.
    const columns = this.out.columns !== undefined && this.out.columns > 0 ? this.out.columns : 80;
    this.out.write(`\r\x1b[K${this.line().slice(0, Math.max(1, columns - 1))}`);
    this.drawn = true;
  }

  private printPlain(): void {
    this.lastLine = this.line();
    this.out.write(`${this.lastLine}\n`);
  }
}
