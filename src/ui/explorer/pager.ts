// Rows of a list loaded a page at a time from a lazy stream (the services page by keyset or rowid):
// only what the user scrolled through is ever held, and a filter the stream cannot apply itself
// examines a bounded number of rows per load, so a rare term never freezes the terminal.

export interface RowStream<T> {
  rows: Iterator<T>;
  /** A condition the stream could not apply (checked here, row by row). */
  keep?: (row: T) => boolean;
  close?: () => void;
}

export const EXAMINE_PER_LOAD = 10_000;

export class Pager<T> {
  readonly rows: T[] = [];
  /** The stream has no more rows. */
  done = false;
  /** The last load stopped after examining EXAMINE_PER_LOAD rows without filling its page. */
  stopped = false;
  examined = 0;

  constructor(
    private readonly stream: RowStream<T>,
    readonly pageSize: number,
    private readonly examineLimit = EXAMINE_PER_LOAD,
  ) {}

  /** Load until `count` rows are held (and one more, to know whether more exist), the stream ends, or the examine bound is hit. */
  ensure(count: number): void {
    if (this.done) return;
    this.stopped = false;
    let looked = 0;
    while (this.rows.length <= count) {
      const next = this.stream.rows.next();
      if (next.done) {
        this.done = true;
        this.close();
        return;
      }
      this.examined++;
      if (!this.stream.keep || this.stream.keep(next.value)) this.rows.push(next.value);
      else if (++looked >= this.examineLimit) {
        this.stopped = true;
        return;
      }
    }
  }

  /** More rows than those held may exist. */
  get more(): boolean {
    return !this.done;
  }

  close(): void {
    this.stream.close?.();
  }
}
