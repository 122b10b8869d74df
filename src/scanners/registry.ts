// The explicit list of scanners. Adding a provider = adding one line here.
import type { AnyScanner } from './contract.js';
import { awsScanner } from '../../scanners/aws/index.js';
import { githubScanner } from '../../scanners/github/index.js';
import { repoScanner } from '../../scanners/repo/index.js';
import { azureScanner } from '../../scanners/azure/index.js';
import { gcpScanner } from '../../scanners/gcp/index.js';
import { kubernetesScanner } from '../../scanners/kubernetes/index.js';

export const SCANNERS: AnyScanner[] = [awsScanner, githubScanner, repoScanner, azureScanner, gcpScanner, kubernetesScanner];

