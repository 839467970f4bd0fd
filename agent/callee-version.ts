/**
 * Which A2A version `callSkill` speaks to a callee, read from the callee's card: 1.0 when it has a
 * 1.0 JSONRPC interface, else 0.3. The card is fetched once per URL (`<url>/.well-known/agent-card.json`,
 * asked for as 1.0) and kept for a while in a bounded cache; a card that cannot be read means 0.3,
 * which every agent of the platform understands (the SDK serves both).
 */
import { A2A_V03, A2A_V1, isCardV1, isLegacyVersion } from '../constructs/agent-card-v1';
import { A2A_VERSION_HEADER, majorMinor } from './a2a-version';
import { boundedFetch } from './bounded-fetch';

export type A2aVersion = typeof A2A_V1 | typeof A2A_V03;

/** The JSONRPC version a card offers best. */
export function versionOfCard(card: unknown): A2aVersion {
  if (isCardV1(card)) {
    const rpc = card.supportedInterfaces.filter((i) => i?.protocolBinding === 'JSONRPC');
    if (rpc.some((i) => !isLegacyVersion(i.protocolVersion) && majorMinor(i.protocolVersion) === A2A_V1)) return A2A_V1;
  }
  return A2A_V03;
}

const CARD_LIMIT_BYTES = 256 * 1024;

/** A bounded, expiring cache of callee versions. */
export class CalleeVersions {
  private readonly known = new Map<string, { version: A2aVersion; until: number }>();

  constructor(private readonly maxEntries = 256, private readonly ttlMs = 300_000, private readonly now: () => number = Date.now) {}

  async of(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<A2aVersion> {
    const hit = this.known.get(url);
    if (hit && hit.until > this.now()) return hit.version;
    let version: A2aVersion = A2A_V03;
    let ttl = this.ttlMs;
    try {
      const res = await boundedFetch(CARD_LIMIT_BYTES)(`${url.replace(/\/+$/, '')}/.well-known/agent-card.json`, { headers: { ...headers, [A2A_VERSION_HEADER]: A2A_V1, accept: 'application/json' }, signal });
      if (res.ok) version = versionOfCard(await res.json());
      else ttl = Math.min(ttl, 30_000);
    } catch (e) {
      if (signal.aborted) throw e;
      ttl = Math.min(ttl, 30_000); // unreadable now: 0.3, asked again soon
    }
    this.known.delete(url);
    this.known.set(url, { version, until: this.now() + ttl });
    while (this.known.size > this.maxEntries) this.known.delete(this.known.keys().next().value!);
    return version;
  }
}
