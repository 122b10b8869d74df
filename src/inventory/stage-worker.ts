// The staging writer thread: owns the scan's private staging file and inserts the row
// batches the scan streams to it, so binding values (the dominant cost of ingest) runs on
// the second core while the main thread keeps producing records.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface StageWorkerData {
  file: string;
  /** CREATE TABLE statements of the staging schema. */
  ddl: string[];
  /** Per table: the INSERT head, one row's VALUES tuple, and how many values a row binds. */
  inserts: Record<string, { into: string; row: string; width: number }>;
  /** Rows per multi-row INSERT. */
  multi: number;
  /** The inventory's page size (set before the first table). */
  pageSize: number;
}

/** `batch`: per table, its rows' values one after another (`inserts[table].width` per row). */
export type StageMessage = { type: 'rows'; batch: Record<string, unknown[]> } | { type: 'close' };
export type StageReply = { type: 'ack' } | { type: 'closed' } | { type: 'error'; message: string };

const data = workerData as StageWorkerData;
const port = parentPort!;

try {
  const db = new Database(data.file);
  // MEMORY, not OFF: the connection's defensive mode refuses OFF (silently). A crash loses nothing: the file is discarded.
  db.pragma('journal_mode = MEMORY');
  db.pragma(`page_size = ${data.pageSize}`);
  db.pragma('synchronous = OFF');
  db.exec(data.ddl.join(';\n'));
  const one = new Map<string, Database.Statement<unknown[]>>();
  const many = new Map<string, Database.Statement<unknown[]>>();
  for (const [table, { into, row }] of Object.entries(data.inserts)) {
    one.set(table, db.prepare<unknown[]>(`${into} VALUES ${row}`));
    many.set(table, db.prepare<unknown[]>(`${into} VALUES ${Array(data.multi).fill(row).join(',')}`));
  }
  // Spreading a slice of the flat array measured twice as fast as flattening arrays of rows.
  const insert = db.transaction((batch: Record<string, unknown[]>) => {
    for (const [table, values] of Object.entries(batch)) {
      const m = many.get(table)!;
      const s = one.get(table)!;
      const width = data.inserts[table].width;
      const chunk = width * data.multi;
      let i = 0;
      for (; i + chunk <= values.length; i += chunk) m.run(...values.slice(i, i + chunk));
      for (; i < values.length; i += width) s.run(...values.slice(i, i + width));
    }
  });
  port.on('message', (msg: StageMessage) => {
    try {
      if (msg.type === 'rows') {
        insert(msg.batch);
        port.postMessage({ type: 'ack' } satisfies StageReply);
      } else {
        db.close();
        port.postMessage({ type: 'closed' } satisfies StageReply);
      }
    } catch (err) {
      port.postMessage({ type: 'error', message: (err as Error).message } satisfies StageReply);
    }
  });
} catch (err) {
  port.postMessage({ type: 'error', message: (err as Error).message } satisfies StageReply);
}
