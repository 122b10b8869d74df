// From a raw finding (still holding the secret, in memory) to the credential record the
// inventory stores: the value becomes a keyed hash and a redacted preview right here.
import type { CredentialRecord, Location } from '../../src/model/records.js';
import type { SecretProtector } from '../../src/secrets/protect.js';
import { detectorById } from './detectors/index.js';
import type { RawFinding } from './engine/detect.js';

const CLOUD = new Set(['aws', 'gcp', 'azure']);

/**
 * Per-target memory of the key id each secret carries, so every sighting of one secret
 * (one credential) reports the same keyId even where the pairing line is not visible.
 */
export type KeyIdMemo = Map<string, string>;

export function toCredential(f: RawFinding, loc: Location, scope: string, secrets: SecretProtector, memo: KeyIdMemo, now: Date): CredentialRecord {
  const { hash, preview } = secrets.protect(f.value);
  const det = detectorById(f.detector);
  let keyId = f.keyId ?? memo.get(hash) ?? null;
  if (keyId && !memo.has(hash)) memo.set(hash, keyId);
  if (!keyId) keyId = null;
  const provider = det?.provider ?? 'generic';
  const expired = f.expiresAt ? Date.parse(f.expiresAt) < now.getTime() : false;
  return {
    type: 'credential',
    id: `secret:${hash}`,
    identityId: null,
    provider: 'repo',
    scope,
    // An AI provider's key has its own kind; every other secret found in source is hardcoded_secret.
    kind: f.attributes?.secretKind === 'ai_api_key' ? 'ai_api_key' : 'hardcoded_secret',
    name: det?.title ?? f.detector,
    keyId,
    expiresAt: f.expiresAt ?? null,
    status: expired ? 'expired' : 'unknown',
    location: loc,
    preview,
    secretHash: hash,
    attributes: {
      detector: f.detector,
      title: det?.title ?? f.detector,
      confidence: f.confidence,
      provider,
      ...(CLOUD.has(provider) ? { cloudProvider: provider } : {}),
      validity: 'unknown',
      ...(f.attributes ?? {}),
    },
  };
}
