// Private keys: PEM blocks (PKCS#1/#8, EC, DSA, OpenSSH, encrypted, PGP) and PuTTY .ppk
// files. The value is the key material alone (base64 body), so the same key pasted into
// JSON, YAML or a .pem file is one credential.
import type { Detector } from './types.js';
import { entropy, pemBody } from './util.js';

export const pemPrivateKey: Detector = {
  id: 'private-key',
  title: 'Private key (PEM / OpenSSH)',
  provider: 'private-key',
  confidence: 'high',
  keywords: ['PRIVATE KEY-----', 'PRIVATE KEY BLOCK-----'],
  scope: { before: 0, after: 16000 },
  regex: /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----([A-Za-z0-9+/=\s\\:,."'`;()&-]{0,14000}?)-----END \1-----/g,
  placeholderCheck: false,
  verify(m) {
    const body = pemBody(m[2]);
    if (!body) return null;
    const encrypted = m[1].startsWith('ENCRYPTED') || /Proc-Type:\s*4,ENCRYPTED/.test(m[2]) || (m[1] === 'OPENSSH PRIVATE KEY' && !/bm9uZQ/.test(body.slice(0, 80)));
    return {
      value: body,
      range: [m.index, m.index + m[0].length],
      confidence: encrypted ? 'medium' : 'high',
      attributes: { keyType: m[1].replace(/ ?PRIVATE KEY( BLOCK)?/, '').trim() || 'PKCS8', encrypted },
    };
  },
};

export const puttyPrivateKey: Detector = {
  id: 'putty-private-key',
  title: 'PuTTY private key (.ppk)',
  provider: 'private-key',
  confidence: 'high',
  keywords: ['PuTTY-User-Key-File-'],
  scope: { before: 0, after: 12000 },
  regex: /PuTTY-User-Key-File-(\d): ([\w-]+)\r?\nEncryption: ([\w-]+)[\s\S]{0,6000}?Private-Lines: (\d+)\r?\n((?:[A-Za-z0-9+/=]{1,80}\r?\n?){1,80})/g,
  placeholderCheck: false,
  verify(m) {
    const body = m[5].replace(/\s+/g, '');
    if (body.length < 40 || entropy(body) < 4.0 || /EXAMPLE|x{6,}/i.test(body)) return null;
    const encrypted = m[3] !== 'none';
    return { value: body, range: [m.index, m.index + m[0].length], confidence: encrypted ? 'medium' : 'high', attributes: { keyType: m[2], encrypted } };
  },
};

export const PRIVATE_KEY_DETECTORS = [pemPrivateKey, puttyPrivateKey];
