/** Jest global teardown: stops the real Nacos the global setup started (if it did). */
import { RealNacos, stopRealNacos } from './real-nacos';

export default async function globalTeardown(): Promise<void> {
  const nacos = (globalThis as { __realNacos?: RealNacos }).__realNacos;
  if (nacos) await stopRealNacos(nacos);
}
