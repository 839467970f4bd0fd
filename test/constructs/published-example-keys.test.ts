import { generateKeyPairSync } from 'node:crypto';
import {
  isPublishedExampleKey, jwkThumbprint, PUBLISHED_EXAMPLE_KEY_THUMBPRINTS, PUBLISHED_EXAMPLE_KEYS, publishedExampleKeySource,
} from '../../constructs/published-example-keys';
import { PUBLISHED_EXAMPLE_PUBLIC_KEYS } from '../support/published-example-public-keys';

describe('jwkThumbprint (RFC 7638)', () => {
  it('gives the thumbprint RFC 7638 §3.1 prints for its example RSA key', () => {
    const rsa = PUBLISHED_EXAMPLE_PUBLIC_KEYS.find((k) => k.source.includes('RFC 7638 3.1'))!;
    expect(jwkThumbprint({ ...rsa.jwk, kid: '2011-04-29', alg: 'RS256' })).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('gives the thumbprint RFC 8037 A.3 prints for its Ed25519 key', () => {
    expect(jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' })).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });

  it('ignores members outside the required set and their order', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const j = publicKey.export({ format: 'jwk' }) as Record<string, string>;
    expect(jwkThumbprint({ y: j.y, x: j.x, kty: 'EC', crv: 'P-256', kid: 'a', use: 'sig' })).toBe(jwkThumbprint({ kty: 'EC', crv: 'P-256', x: j.x, y: j.y }));
  });

  it('names the missing member', () => {
    expect(() => jwkThumbprint({ kty: 'RSA', n: 'abc' })).toThrow(/"e"/);
    expect(() => jwkThumbprint({ kty: 'XYZ' })).toThrow(/kty "XYZ"/);
  });
});

describe('published example keys', () => {
  it.each(PUBLISHED_EXAMPLE_PUBLIC_KEYS.map((k) => [k.source, k.jwk]))('refuses %s, with or without kid, alg and use', (source, jwk) => {
    expect(isPublishedExampleKey(jwk)).toBe(true);
    expect(isPublishedExampleKey({ ...jwk, kid: 'prod-1', use: 'sig', alg: 'RS256' })).toBe(true);
    expect(publishedExampleKeySource(jwk)).toContain(source.split(' (')[0]);
  });

  it('covers every RFC the checks promise', () => {
    const sources = [...PUBLISHED_EXAMPLE_KEYS.values()].join(' ');
    for (const rfc of ['RFC 7515', 'RFC 7516', 'RFC 7517', 'RFC 7518', 'RFC 7520', 'RFC 8037']) expect(sources).toContain(rfc);
    // Every asymmetric thumbprint kept is one the test derived from the RFC's own key.
    const derived = new Set(PUBLISHED_EXAMPLE_PUBLIC_KEYS.map((k) => jwkThumbprint(k.jwk)));
    const asymmetric = [...PUBLISHED_EXAMPLE_KEYS].filter(([, s]) => !/HS256|HMAC|A128KW|A256GCM|A128GCM|A256GCMKW|PBES2/.test(s));
    expect(asymmetric.map(([t]) => t).sort()).toEqual([...derived].sort());
    expect(PUBLISHED_EXAMPLE_KEY_THUMBPRINTS.size).toBe(PUBLISHED_EXAMPLE_KEYS.size);
  });

  it('accepts a freshly generated key', () => {
    for (const type of ['ec', 'rsa', 'ed25519'] as const) {
      const { publicKey } = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
      expect(isPublishedExampleKey(publicKey.export({ format: 'jwk' }) as Record<string, string>)).toBe(false);
    }
    expect(isPublishedExampleKey({ kty: 'RSA' })).toBe(false);
  });
});
