// Groups per-resource failures: one error per operation and code, with the count and a
// sample of the resources, instead of one error per user or repository.
import type { ErrorRecord } from '../../model/records.js';

const SAMPLE = 10;

export class ErrorTally {
  private readonly byKey = new Map<string, { first: ErrorRecord; resources: string[]; count: number }>();
  constructor(private readonly noun: string) {}

  add(rec: ErrorRecord, resource: string): void {
    const key = `${rec.operation}\u0000${rec.code}`;
    const t = this.byKey.get(key) ?? { first: rec, resources: [], count: 0 };
    t.count++;
    if (t.resources.length < SAMPLE) t.resources.push(resource);
    this.byKey.set(key, t);
  }

  get size(): number {
    return this.byKey.size;
  }

  *records(): Generator<ErrorRecord> {
    for (const t of this.byKey.values()) {
      const more = t.count > t.resources.length ? ` and ${t.count - t.resources.length} more` : '';
      yield {
        ...t.first,
        message: t.count === 1 ? t.first.message : `${t.first.message} (on ${t.count} ${this.noun}: ${t.resources.join(', ')}${more})`,
        resource: t.count === 1 ? t.first.resource : `${t.count} ${this.noun}`,
      };
    }
  }
}
