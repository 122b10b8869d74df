// The explicit list of scanners. Adding a provider = adding one line here.
import type { AnyScanner } from './contract.js';

export const SCANNERS: AnyScanner[] = [];

export function scannerByName(name: string): AnyScanner | undefined {
  return SCANNERS.find((s) => s.name === name);
}
