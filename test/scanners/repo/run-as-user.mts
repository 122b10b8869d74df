// Runs one repo scan and prints a summary as JSON: the unreadable-file test starts it as
// an unprivileged user when the suite runs as root (root can read a mode-000 file).
import { collect } from '../../helpers/scanner-acceptance.js';
import { repoScanner } from '../../../scanners/repo/index.js';

const res = await collect({ scanner: repoScanner, options: { paths: [process.argv[2]], workers: 0 } });
process.stdout.write(
  JSON.stringify({
    notes: res.notes.map((n) => n.message),
    errors: res.errors.map((e) => e.message),
    completed: res.completedTargets,
    paths: res.records.filter((x) => x.type === 'credential').map((x) => (x as { location?: { path: string } }).location?.path),
  }),
);
