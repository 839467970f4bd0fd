/** Worker thread of `synthesizeToDirectory`: loads the constructs while the main thread builds the platform, then writes the tenants it claims. */
import { parentPort } from 'worker_threads';
import { _writeClaimedTenants, type TenantSynthJob } from './synth-to-directory';

parentPort!.once('message', (job: TenantSynthJob) => parentPort!.postMessage(_writeClaimedTenants(job)));
