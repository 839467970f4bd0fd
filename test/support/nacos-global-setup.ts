/**
 * Jest global setup: with `NACOS_BACKEND=real`, starts ONE real Nacos 3.1 for the whole run (see
 * `real-nacos.ts`) and hands its URL and credentials to the tests through the environment
 * (`NACOS_BACKEND_URL`, `NACOS_BACKEND_USERNAME`, `NACOS_BACKEND_PASSWORD`, `NACOS_BACKEND_IDENTITY`),
 * which `nacos-backend.ts` reads. Nothing happens in the default emulator mode, or when
 * `NACOS_BACKEND_URL` is already set (a server you started yourself).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { startRealNacos } from './real-nacos';

export default async function globalSetup(): Promise<void> {
  // dev stacks' throwaway issuer keys (stacks/dev-issuer-keys.ts): the run's own, not the user's.
  process.env.AGENT_RUNTIME_DEV_KEYS ??= path.join(os.tmpdir(), `agent-runtime-test-dev-keys-${process.pid}`);
  if (process.env.NACOS_BACKEND !== 'real' || process.env.NACOS_BACKEND_URL) return;
  const nacos = await startRealNacos({ log: (line) => process.stderr.write(`\n${line}`) });
  process.env.NACOS_BACKEND_URL = nacos.url;
  process.env.NACOS_BACKEND_USERNAME = nacos.username;
  process.env.NACOS_BACKEND_PASSWORD = nacos.password;
  process.env.NACOS_BACKEND_IDENTITY = `${nacos.identityKey}:${nacos.identityValue}`;
  (globalThis as { __realNacos?: typeof nacos }).__realNacos = nacos;
  // Also on an aborted run: never leave the JVM behind.
  process.once('exit', () => {
    try {
      process.kill(-nacos.pid, 'SIGKILL');
    } catch {
      /* already stopped */
    }
  });
}
