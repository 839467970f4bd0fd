/**
 * Keys printed in the JOSE RFCs, private halves included: anyone can sign with them, so no JWKS the
 * gateway trusts may contain one. Matched by RFC 7638 thumbprint of the public members, so `kid`,
 * `use`, `alg` or an added private member change nothing. Only thumbprints are kept here: the
 * repository carries no copy of the keys themselves (the test derives each thumbprint from the
 * RFC's key and checks it against this set).
 */
import { createHash } from 'node:crypto';

/** The members of a JWK that RFC 7638 §3.2 (and RFC 8037 §2 for OKP) hash, per key type. */
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  oct: ['k', 'kty'],
};

/** A JWK as read from a JWKS document (any members). */
export type JwkLike = Readonly<Record<string, unknown>>;

/**
 * The RFC 7638 SHA-256 thumbprint (base64url) of a JWK: its required members, in lexicographic
 * order, as JSON without whitespace. Throws naming the member that is missing or not a string.
 * @example jwkThumbprint({ kty: 'EC', crv: 'P-256', x: '…', y: '…' })
 */
export function jwkThumbprint(jwk: JwkLike): string {
  const kty = jwk?.kty;
  const members = typeof kty === 'string' ? REQUIRED_MEMBERS[kty] : undefined;
  if (!members) throw new Error(`JWK kty ${JSON.stringify(kty)} is not one of ${Object.keys(REQUIRED_MEMBERS).join(', ')}`);
  const parts = members.map((m) => {
    const v = jwk[m];
    if (typeof v !== 'string' || v === '') throw new Error(`JWK (kty ${kty}) has no "${m}" string member, which RFC 7638 requires`);
    return `${JSON.stringify(m)}:${JSON.stringify(v)}`;
  });
  return createHash('sha256').update(`{${parts.join(',')}}`, 'utf8').digest('base64url');
}

/**
 * Thumbprints of the example keys of RFC 7515, 7516, 7517, 7518, 7520 and 8037 (and 7638's own,
 * which is RFC 7517's), each labelled with where the RFC prints it.
 */
export const PUBLISHED_EXAMPLE_KEYS: ReadonlyMap<string, string> = new Map([
  ['y_x3gCJnL6oKGBBIXScabduwxTVy2Wd2bzRVEUbdUzc', 'RFC 7515 A.1 (HS256); RFC 7517 A.3 (HMAC, = RFC 7515 A.1)'],
  ['IsUn6_e04MaShXFIISMp4kG62LWzMIPy_MvSA5pJgX8', 'RFC 7515 A.2 (RS256)'],
  ['oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U', 'RFC 7515 A.3 (ES256)'],
  ['u5YUSjQ2-2chBi51NSk3t3g7IM4o2KYcnPqPtCNGd3U', 'RFC 7515 A.4 (ES512)'],
  ['xtIsOV1FqKH77AI_A3jdTg5QfdabzqI-LNpYTPi0IgI', 'RFC 7516 A.1 (RSA-OAEP)'],
  ['_K0fXS8wlsT7Tn3vvZrs9qdKUIqi5AxQ5EVk41xi_BM', 'RFC 7516 A.2 (RSA1_5)'],
  ['cn-I_WNMClehiVp51i_0VpOENW1upEerA8sEam5hn-s', 'RFC 7517 A.1/A.2 (EC P-256, kid 1)'],
  ['NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs', 'RFC 7517 A.1/A.2, RFC 7638 3.1 (RSA, kid 2011-04-29)'],
  ['k1JnWRfC-5zzmL72vXIuBgTLfVROXBakS4OmGcrMCoc', 'RFC 7516 A.3, RFC 7517 A.3 (A128KW)'],
  ['DdsFv-2-wgcPoDcyS6OXOWVh00JdbWkkVXDCYdxJ3uM', 'RFC 7517 B (RSA with x5c, kid 1b94c)'],
  ['D8R4-FeTJfzuDUy8bZ0c4hcwpul-Q11gCPs3mw6-R9Q', 'RFC 7517 C.1 (RSA, juliet@capulet.lit)'],
  ['_GK0r6GCoJt9zcssg9lay4obIxgCq05ntiRymRHADSU', 'RFC 7518 C (ECDH-ES, Alice ephemeral P-256)'],
  ['Vy57XrArUrW0NbpI12tEzDHABxMwrTh6HHXRenSpnCo', 'RFC 7518 C (ECDH-ES, Bob P-256)'],
  ['dHri3SADZkrush5HU_50AoRhcKFryN-PI6jPBtPL55M', 'RFC 7520 3.1/3.2 (EC P-521, bilbo.baggins@hobbiton.example)'],
  ['9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI', 'RFC 7520 3.3/3.4 (RSA, bilbo.baggins@hobbiton.example)'],
  ['RtoRur_1Dir5M4wuOfqNkDYOf9O_4RJ-aHkTA75RLA8', 'RFC 7520 3.5 (HS256, 018c0ae5-…)'],
  ['VDMp1ZgGGv1OKgOeDc1EUKHXNQzMdLkCnxPETHdA4v0', 'RFC 7520 3.6 (A256GCM, 1e571774-…)'],
  ['h_jutvC-jg3Nwueq8LmdSybXykVsBwk4_5u5Y9JiS7E', 'RFC 7520 5.1 (RSA, frodo.baggins@hobbiton.example)'],
  ['Rt-IyDEhXohvTl_ozKQ9YGflXGuDb3uu3QmqN2LoMwM', 'RFC 7520 5.2 (RSA, samwise.gamgee@hobbiton.example)'],
  ['fKVKT56cS-Wb5Mh5ui4Jvqbofz7h_5c5dXTe2_dyk_g', 'RFC 7520 5.3 (PBES2 password as oct)'],
  ['YlKlB7M2wnS0cPn_V7OW-FuDLuWdJ9z4OvPHmhGDfeE', 'RFC 7520 5.4 (EC P-384, peregrin.took@tuckborough.example)'],
  ['HsSFalww3yP-dO-lWGYgFcyV5H22oScIFc4V2Y6GOto', 'RFC 7520 5.5 (EC P-256, meriadoc.brandybuck@buckland.example)'],
  ['svOLuZiKpi3RFmSHAcCJqsQqjBmWR4egaIsgk-2uBak', 'RFC 7520 5.6 (A128GCM, 77c7e2b8-…)'],
  ['tqsISrG_pUi4IXRd2S_IYFnja0Xy7cpZHwbDd3XIFbM', 'RFC 7520 5.7 (A256GCMKW, 18ec08e1-…)'],
  ['wLi2IZWIuukcHvhZrxIYPL8GGrdhkffpN8heZxnMP1o', 'RFC 7520 5.8 (A128KW, 81b20965-…)'],
  ['kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k', 'RFC 8037 A.1 (Ed25519)'],
  ['giQqigT_IKcuzHl0FVJ3k5ts3_TWNAxvsC08UZsfcM8', 'RFC 8037 A.6 (X25519, Bob; RFC 7748 6.1)'],
  ['u809Vppx5ixWMOohxWr2aM3m5bD0LQ67g_GPmubQus4', 'RFC 8037 A.6 (X25519, ephemeral; RFC 7748 6.1)'],
  ['rjT14KFppHOg_L80YOaujYr3L7L0XtD24UHups3cfWo', 'RFC 8037 A.7 (X448, Dave; RFC 7748 6.2)'],
  ['X7Nqq56_hWB_zjSTTN0UEEsN9OnnjvGJIjV7MjEnCko', 'RFC 8037 A.7 (X448, ephemeral; RFC 7748 6.2)'],
]);

/** The set of thumbprints, for callers that only test membership. */
export const PUBLISHED_EXAMPLE_KEY_THUMBPRINTS: ReadonlySet<string> = new Set(PUBLISHED_EXAMPLE_KEYS.keys());

/** Whether a JWK is one of the keys printed in the JOSE RFCs (false for a JWK that has no thumbprint). */
export function isPublishedExampleKey(jwk: JwkLike): boolean {
  try {
    return PUBLISHED_EXAMPLE_KEY_THUMBPRINTS.has(jwkThumbprint(jwk));
  } catch {
    return false;
  }
}

/** Where the RFCs print this key, or undefined when it is not a published example. */
export function publishedExampleKeySource(jwk: JwkLike): string | undefined {
  try {
    return PUBLISHED_EXAMPLE_KEYS.get(jwkThumbprint(jwk));
  } catch {
    return undefined;
  }
}
