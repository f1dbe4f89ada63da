/**
 * Keeps the `k` best items offered, without sorting everything: a min-heap of the best seen so
 * far, so a query over n vectors costs O(n log k) instead of O(n log n) (at 5,000 vectors and
 * k = 100, sorting every score was most of a query's time after the dot products).
 * `better(a, b)` must be a strict total order (ties broken), so the result is deterministic.
 */
export class TopK<T> {
  readonly #heap: T[] = [];

  constructor(
    private readonly k: number,
    private readonly better: (a: T, b: T) => boolean,
  ) {}

  /** The worst item kept once `k` are kept (anything not better than it is not worth offering). */
  get threshold(): T | undefined {
    return this.#heap.length < this.k ? undefined : this.#heap[0];
  }

  offer(item: T): void {
    const heap = this.#heap;
    if (this.k <= 0) return;
    if (heap.length < this.k) {
      heap.push(item);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.better(heap[parent] as T, heap[i] as T)) break;
        this.#swap(i, parent);
        i = parent;
      }
      return;
    }
    if (!this.better(item, heap[0] as T)) return;
    heap[0] = item;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < heap.length && this.better(heap[worst] as T, heap[left] as T)) worst = left;
      if (right < heap.length && this.better(heap[worst] as T, heap[right] as T)) worst = right;
      if (worst === i) return;
      this.#swap(i, worst);
      i = worst;
    }
  }

  /** The kept items, best first. */
  sorted(): T[] {
    return [...this.#heap].sort((a, b) => (this.better(a, b) ? -1 : this.better(b, a) ? 1 : 0));
  }

  #swap(i: number, j: number): void {
    const heap = this.#heap;
    const t = heap[i] as T;
    heap[i] = heap[j] as T;
    heap[j] = t;
  }
}
