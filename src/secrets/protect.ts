// A secret value never reaches the database or an export: scanners turn it into a
// redacted preview plus a keyed hash here, and only those travel further.
import { createHmac } from 'node:crypto';

export interface ProtectedSecret {
  /** First 4 … last 4 for long values; less for short ones, so a preview never reveals most of a secret. */
  preview: string;
  /** HMAC-SHA256 of the value under the inventory's hash key (hex). Equal values give equal hashes. */
  hash: string;
}

export interface SecretProtector {
  protect(value: string): ProtectedSecret;
}

export function redactPreview(value: string): string {
  const v = value.trim();
  if (v.length >= 24) return `${v.slice(0, 4)}…${v.slice(-4)}`;
  if (v.length >= 12) return `${v.slice(0, 2)}…${v.slice(-2)}`;
  return '…';
}

export function createProtector(key: Buffer): SecretProtector {
  if (key.length < 16) throw new Error('hash key must be at least 16 bytes');
  return {
    protect(value: string): ProtectedSecret {
      return {
        preview: redactPreview(value),
        hash: createHmac('sha256', key).update(value, 'utf8').digest('hex'),
      };
    },
  };
}
