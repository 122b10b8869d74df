// Paginated GitHub listings shared by the organisation and repository reads: every page
// through Octokit's Link-header iterator, a repeating next link stopped, and a failure yielded
// last (after the items read so far) instead of thrown, so the rest of the scan goes on.
import type { ErrorRecord, NoteRecord } from '../../src/model/records.js';
import { PageGuard } from '../../src/scanners/toolkit/index.js';
import { failureRecord, type EndpointSpec } from './errors.js';

export const PER_PAGE = 100;

export type Listed<T> = { item: T } | { failure: ErrorRecord | NoteRecord; err: unknown };

/** Items of a paginated list; a failure (even after some pages) is yielded last instead of thrown. */
export async function* listAll<T>(spec: EndpointSpec, pages: () => AsyncIterable<{ data: T[]; headers?: { link?: string } }>, signal: AbortSignal, resource?: string): AsyncGenerator<Listed<T>> {
  try {
    for await (const page of guardPages(spec.op, pages())) for (const item of page.data) yield { item };
  } catch (err) {
    if (signal.aborted) throw err;
    yield { failure: failureRecord(spec, err, resource), err };
  }
}

/** Pages of one listing, ended with a PaginationLoopError when a next link repeats or pages never end. */
export async function* guardPages<P extends { headers?: { link?: string } }>(listing: string, pages: AsyncIterable<P>): AsyncGenerator<P> {
  const guard = new PageGuard(listing);
  for await (const page of pages) {
    yield page;
    const next = /<([^<>]+)>;\s*rel="next"/.exec(page.headers?.link ?? '')?.[1];
    if (next) guard.next(next);
  }
}
