// SARIF from leaks: valid for ordinary file names, one base id per repository, every recorded
// sighting listed, and the message naming the place the location points at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp.js';
import { awsKeyPair, nhi, writeFiles } from './nhi.js';
import { sarifValidator } from '../helpers/sarif-schema.js';



interface Loc {
  physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number } };
}

test('SARIF for leaks in ordinary file names across two repositories validates and names every sighting', { timeout: 60_000 }, () => {
  const dir = tempDir();
  const shared = awsKeyPair('sharedkey');
  // One secret in three files whose names need percent-encoding, and another in a second repository.
  writeFiles(join(dir, 'service-a'), { 'my config.js': shared.env, 'café.js': shared.env, 'a|b.js': shared.env });
  writeFiles(join(dir, 'service-b'), { 'deploy/config.env': awsKeyPair('otherkey').env });
  const scan = nhi(dir, ['scan', 'repo', 'service-a', 'service-b']);
  assert.equal(scan.code, 0, scan.err + scan.out);
  const sarifText = nhi(dir, ['report', '--format', 'sarif']).out;
  const sarif = JSON.parse(sarifText);

  const validate = sarifValidator();
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'my config.js' } } }] }] }] }), false, 'the schema check must reject a raw space in a uri');
  assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 5), null, 2));

  const run = sarif.runs[0];
  const leaks = run.results.filter((r: { ruleId: string }) => r.ruleId === 'leaked-credential') as { message: { text: string }; locations: Loc[]; relatedLocations?: Loc[]; properties: { sightings: number } }[];
  assert.ok(leaks.length >= 2);
  const bases = run.originalUriBaseIds as Record<string, { uri?: string; description: { text: string } }>;
  const baseIds = new Set(leaks.flatMap((l) => [...l.locations, ...(l.relatedLocations ?? [])].map((x) => x.physicalLocation.artifactLocation.uriBaseId)));
  assert.equal(baseIds.size, 2, 'one base id per repository');
  for (const id of baseIds) {
    assert.ok(id && bases[id], `base ${id} is declared`);
    assert.match(bases[id].description.text, /service-[ab]/);
    assert.match(bases[id].uri ?? '', /^file:\/\/\/.*service-[ab]\/$/);
  }

  // The key pair in three files: its id and its secret, three times each, are one finding.
  const sharedLeak = leaks.find((l) => l.properties.sightings === 6);
  assert.ok(sharedLeak, 'the key pair seen in three files');
  const all = [...new Set([...sharedLeak.locations, ...(sharedLeak.relatedLocations ?? [])].map((l) => l.physicalLocation.artifactLocation.uri))].sort();
  assert.deepEqual(all, ['a%7Cb.js', 'caf%C3%A9.js', 'my%20config.js']);

  // The message and the primary location name the same file and line.
  for (const leak of leaks) {
    const loc = leak.locations[0].physicalLocation;
    const place = `${decodeURIComponent(loc.artifactLocation.uri)}:${loc.region?.startLine}`;
    assert.ok(leak.message.text.includes(place), `"${leak.message.text}" names ${place}`);
    const repo = bases[loc.artifactLocation.uriBaseId!].description.text.replace(/^repository /, '');
    assert.ok(leak.message.text.includes(`${repo}:${place}`), `the message names the repository of the location (${repo})`);
  }
});
