// Guards a paginated listing: a cursor seen before, or more pages than any real listing
// has, ends it with a PaginationLoopError instead of running until killed.
import { PaginationLoopError } from './faults.js';

/** 10,000 pages of 100 items: a million entries in one listing. */
export const DEFAULT_MAX_PAGES = 10_000;

export class PageGuard {
  private readonly seen = new Set<string>();
  private pages = 0;
  constructor(
    private readonly listing: string,
    private readonly maxPages = DEFAULT_MAX_PAGES,
  ) {}

  /** Call with the cursor (Marker, page token, next link) before requesting the page it names. */
  next(cursor: string | null | undefined): void {
    this.pages++;
    if (this.pages > this.maxPages) throw new PaginationLoopError(this.listing, `more than ${this.maxPages} pages`);
    if (cursor === null || cursor === undefined || cursor === '') return;
    if (this.seen.has(cursor)) throw new PaginationLoopError(this.listing, `the provider sent the same next-page cursor twice (after ${this.pages - 1} pages)`);
    this.seen.add(cursor);
  }
}
