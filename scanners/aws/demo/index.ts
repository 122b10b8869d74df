// The AWS part of `nhi scan --demo`: the demo organisation served by the local IAM/STS/
// Organizations stand-in, scanned in --org mode like a real organisation.
import type { DemoEndpoint, DemoInput } from '../../../src/scanners/contract.js';
import type { AwsOptions } from '../clients.js';
import { startFakeAws } from './fake-aws.js';
import { demoEstate } from './estate.js';
import { startFakeCloudTrail } from './fake-cloudtrail.js';
import { demoTrailEvents } from './audit-events.js';

export async function startAwsDemo(input: DemoInput): Promise<DemoEndpoint<AwsOptions>> {
  const estate = demoEstate(input.now, input.day ?? 0);
  const fake = await startFakeAws(estate);
  const trail = await startFakeCloudTrail({ events: demoTrailEvents(input.now), callerKey: estate.accessKeyId, callerAccount: estate.callerAccount });
  return {
    options: {
      org: true,
      assumeRole: 'nhi-readonly',
      endpointUrl: fake.url,
      region: 'us-east-1',
      accessKeyId: estate.accessKeyId,
      secretAccessKey: estate.secretAccessKey,
      retryBaseDelayMs: 10,
      reportPollMs: 20,
      reportWaitSeconds: 5,
      ownersFromLogs: true,
      cloudtrailEndpoint: trail.url,
      // The local event history is not CloudTrail: AWS's 2 requests a second would only make the
      // demo wait 3.5 s per account (the pacing itself is tested against its own endpoint).
      cloudtrailRate: 50,
    },
    stop: async () => {
      await fake.close();
      await trail.close();
    },
  };
}
