// The owner of a cloud resource from its tags or labels, in the configured order of keys
// (config `ownerKeys`): one rule for every provider.

export interface TaggedOwner {
  owner: string;
  /** The tag or label key it came from. */
  key: string;
  /** `tag:<key>`, as records name where an owner came from. */
  source: string;
}

export function ownerFromTags(tags: Record<string, string> | null | undefined, keys: readonly string[]): TaggedOwner | null {
  if (!tags) return null;
  for (const key of keys) {
    const v = tags[key];
    if (typeof v === 'string' && v.trim()) return { owner: v.trim(), key, source: `tag:${key}` };
  }
  return null;
}
