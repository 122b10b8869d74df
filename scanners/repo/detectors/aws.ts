// AWS: access key ids (their shape is fixed: a 4-letter type prefix and 16 base32
// characters), secret access keys next to a secret-like name or right after a key id
// (credentials.csv), and session tokens. Pairing a secret with its key id (so the
// leak correlates with the live access key) happens in the engine, per file.
import type { Detector } from './types.js';
import { charClasses, entropy } from './util.js';

const NAME_SEP = String.raw`["'\x60]?\s{0,4}(?::=|=>|[:=,]|\s)\s{0,4}["'\x60]?`;

export const awsAccessKeyId: Detector = {
  id: 'aws-access-key-id',
  title: 'AWS access key id',
  provider: 'aws',
  confidence: 'medium',
  keywords: ['AKIA', 'ASIA', 'ABIA', 'ACCA'],
  scope: 'line',
  regex: /(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Za-z0-9])/g,
  verify(m) {
    const id = m[1];
    return { value: id, keyId: id, attributes: { keyType: id.startsWith('ASIA') ? 'temporary' : 'long-term' } };
  },
  description: 'AKIA… (long-term) / ASIA… (temporary) key ids. Alone a key id is not usable, but it names the key to revoke.',
};

export const awsSecretAccessKey: Detector = {
  id: 'aws-secret-access-key',
  title: 'AWS secret access key',
  provider: 'aws',
  confidence: 'high',
  keywords: ['secret_access_key', 'secretaccesskey', 'secret-access-key', 'aws_secret', 'aws-secret', 'awssecret', 'akia', 'asia'],
  caseInsensitive: true,
  scope: 'line',
  regex: new RegExp(
    String.raw`(?:(?:secret_?access_?key|secret-access-key|aws_?secret(?:_?key)?|aws-secret(?:-key)?)[\w.-]{0,20}${NAME_SEP}|(?:AKIA|ASIA)[A-Z2-7]{16}["']?\s{0,4}[,;|:\t ]\s{0,4}["']?)([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
    'gi',
  ),
  verify(m) {
    const v = m[1];
    if (charClasses(v) < 3 || entropy(v) < 4.0) return null;
    return { value: v };
  },
  description: '40-character secret next to aws_secret_access_key / SecretAccessKey, or right after a key id (credentials.csv).',
};

export const awsSessionToken: Detector = {
  id: 'aws-session-token',
  title: 'AWS session token',
  provider: 'aws',
  confidence: 'medium',
  keywords: ['session_token', 'sessiontoken', 'session-token', 'security_token', 'securitytoken'],
  caseInsensitive: true,
  scope: 'line',
  regex: new RegExp(String.raw`(?:session_?token|session-token|security_?token)[\w.-]{0,20}${NAME_SEP}([A-Za-z0-9/+=]{100,4000})`, 'gi'),
  verify(m) {
    const v = m[1];
    if (charClasses(v) < 3 || entropy(v) < 4.5) return null;
    const known = /^(FwoGZXIvYXdz|IQoJb3JpZ2luX2Vj|FQoGZXIvYXdz)/.test(v);
    return { value: v, confidence: known ? 'high' : 'medium' };
  },
  description: 'Temporary credentials (aws_session_token=…); short-lived, but often pasted with the ASIA key id.',
};

export const AWS_DETECTORS = [awsAccessKeyId, awsSecretAccessKey, awsSessionToken];
