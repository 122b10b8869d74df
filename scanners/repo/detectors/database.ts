// Database and broker URLs that carry a password: postgres://user:pass@host/db and
// friends. Template references, dummy passwords and URL-encoded placeholders are not secrets.
import type { Detector } from './types.js';
import { isPlaceholder } from './util.js';

const DUMMY = /^(pass(word)?|passwd|pwd|secret|root|admin|test|user|username|postgres|mysql|redis|guest|changeme|example|sample|dbpass|db_password|mypassword|yourpassword|\*+|x+)$/i;

export const databaseUrl: Detector = {
  id: 'database-url',
  title: 'Database URL with password',
  provider: 'database',
  confidence: 'high',
  keywords: ['postgres', 'mysql', 'mariadb', 'mongodb', 'redis', 'amqp', 'mssql', 'sqlserver', 'cockroachdb'],
  caseInsensitive: true,
  scope: 'line',
  regex: /(?<![A-Za-z0-9+])((?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|cockroachdb)(?:\+[a-z0-9]+)?):\/\/([^:@/\s"'`]{0,64}):([^@\s"'`/]{1,128})@([A-Za-z0-9._-]{1,253})/gi,
  placeholderCheck: false,
  verify(m) {
    const [, scheme, user, password, host] = m;
    let pw = password;
    try {
      pw = decodeURIComponent(password);
    } catch {
      /* keep it raw */
    }
    if (pw.length < 4 || DUMMY.test(pw) || pw === user || isPlaceholder(pw) || /^[%$]/.test(password)) return null;
    if (/^(host|hostname|example\.com|db\.example\.com|server|your[-_]?host)$/i.test(host)) return null;
    const local = /^(localhost|127\.0\.0\.1|0\.0\.0\.0|::1|db|database|postgres|mysql|redis|mongo)$/i.test(host);
    const start = m.index + scheme.length + 3 + user.length + 1;
    return {
      value: password,
      range: [start, start + password.length],
      confidence: local ? 'low' : 'high',
      attributes: { scheme: scheme.toLowerCase(), host, ...(user ? { username: user } : {}) },
    };
  },
};

export const DATABASE_DETECTORS = [databaseUrl];
