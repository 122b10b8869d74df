// `.env` files: NAME=value lines whose name says secret (…_SECRET, …_PASSWORD, …_TOKEN,
// …_API_KEY…). A lower entropy bar than the generic detector, because in a .env file the
// assignment itself is the signal. Templates (.env.example/.sample/.template) are left to
// the other detectors.
import type { Detector } from './types.js';
import { basename, charClasses, entropy, looksLikeCode } from './util.js';

const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|PWD|TOKEN|API_?KEY|APIKEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|AUTH|_KEY$|^KEY$|DSN|SIGNING|SALT)/i;
const NOT_SECRET_NAME = /(_ID|_NAME|_USER|_USERNAME|_URL|_URI|_HOST|_PORT|_PATH|_FILE|_REGION|_TYPE|_TTL|_EXPIRY|_EXPIRES|_LENGTH|_ENABLED)$/i;

export const dotenvSecret: Detector = {
  id: 'dotenv-secret',
  title: 'Secret in a .env file',
  provider: 'generic',
  confidence: 'medium',
  keywords: ['='],
  scope: 'line',
  appliesTo(path) {
    const b = basename(path).toLowerCase();
    if (!(b === '.env' || b.startsWith('.env.') || b.endsWith('.env'))) return false;
    return !/(example|sample|template|dist|defaults?)/.test(b);
  },
  regex: /^\s{0,8}(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]{0,80})\s{0,4}=\s{0,4}(["']?)([^\s"'#]{8,500})\2\s*(?:#.*)?$/g,
  verify(m) {
    const [, name, , value] = m;
    if (!SECRET_NAME.test(name) || NOT_SECRET_NAME.test(name)) return null;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || looksLikeCode(value)) return null;
    if (entropy(value) < 3.0 || charClasses(value) < 2) return null;
    const start = m[0].lastIndexOf(value) + m.index;
    return { value, range: [start, start + value.length], attributes: { variable: name } };
  },
};

export const DOTENV_DETECTORS = [dotenvSecret];
