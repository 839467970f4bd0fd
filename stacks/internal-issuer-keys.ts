/**
 * The internal issuer's signing keys of a stack: `internalIssuerKey` (and `internalIssuerPreviousKey`
 * during a rotation). staging and prod require the key; a dev stack without it signs with its
 * throwaway key (dev-issuer-keys.ts), kept outside the repository. The gateway's internal JWKS is
 * always derived from these keys (public halves only), so the gateway and the controller's `kid`s match.
 */
import { ConfigError, defaultPolicyProfile, PROJECT } from './config';
import type { PolicyProfile } from './config-types';
import { devIssuerKey } from './dev-issuer-keys';
import { jwksOf } from '../runtime/controller/internal-jwt';

/** The PEM keys, and whether the current one is the dev throwaway key. */
export interface InternalIssuerKeys {
  readonly current: string;
  readonly previous?: string;
  readonly throwaway: boolean;
}

/** Resolves the keys of `stack` from its secret config values; throws a {@link ConfigError} outside dev without a key. */
export function internalIssuerKeys(stack: string, values: Record<string, unknown>, current: string | undefined, previous: string | undefined): InternalIssuerKeys {
  if (current) return { current, previous, throwaway: false };
  const profile = (values.policyProfile as PolicyProfile | undefined) ?? defaultPolicyProfile(stack);
  if (profile !== 'dev') {
    throw new ConfigError(`${PROJECT}:internalIssuerKey is not set; in ${profile} the gateway's internal JWKS is derived from it. Generate a key and set it as a secret: openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt > key.pem && pulumi config set --secret ${PROJECT}:internalIssuerKey < key.pem`);
  }
  return { current: devIssuerKey(stack, 'internal'), previous, throwaway: true };
}

/** Sets the gateway's internal JWKS in `values` to the public halves of the issuer keys. */
export function setInternalJwks(values: Record<string, unknown>, keys: InternalIssuerKeys): void {
  const gateway = (values.gateway ?? {}) as Record<string, any>;
  const jwt = gateway.jwt ?? {};
  values.gateway = { ...gateway, jwt: { ...jwt, internal: { ...jwt.internal, jwks: JSON.stringify(jwksOf(keys.current, keys.previous ?? '')) } } };
}

/** The controller's key Secret data (PEM keys by file name). */
export function issuerSecretData(keys: InternalIssuerKeys): Record<string, string> {
  return { 'private-key.pem': keys.current, ...(keys.previous ? { 'previous-private-key.pem': keys.previous } : {}) };
}
