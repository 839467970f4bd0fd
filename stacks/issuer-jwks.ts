/**
 * The JWKS of a stack's two JWT issuers, and the checks that keep them trustworthy. `public`: the
 * identity provider's JWKS from config. `internal`: at `pulumi up` derived from the
 * `internalIssuerKey` secret (see program.ts); synth and review, which never see secrets, read it
 * from config. A `dev` stack without a JWKS gets a throwaway key (dev-issuer-keys.ts). In staging
 * and prod every problem {@link gatewayJwksProblems} knows is refused; in dev, published and secret
 * keys are.
 */
import type { PlatformGatewayProps } from '../constructs/agent-runtime-platform';
import { gatewayJwksProblems } from '../constructs/gateway-jwks-checks';
import { jwksOf } from '../runtime/controller/internal-jwt';
import type { GatewayConfig, PolicyProfile } from './config-types';
import { configKey } from './config-validation';
import { devIssuerKey, devKeyDirectory, IssuerName } from './dev-issuer-keys';

/**
 * The gateway props with both JWKS resolved, and every problem found (empty when none).
 * @example resolveIssuerJwks('dev', 'dev', config.gateway)
 */
export function resolveIssuerJwks(stack: string, profile: PolicyProfile, gateway: GatewayConfig): { gateway: PlatformGatewayProps; problems: string[] } {
  const problems: string[] = [];
  const jwks = (name: IssuerName): string => {
    const given = gateway.jwt?.[name]?.jwks;
    if (given) return given;
    if (profile === 'dev') return JSON.stringify(jwksOf(devIssuerKey(stack, name)));
    problems.push(name === 'public'
      ? `${configKey(['gateway', 'jwt', 'public', 'jwks'])} is required in ${profile}: give your identity provider's JWKS (the body of its jwks_uri; Higress cannot fetch it)`
      : `${configKey(['gateway', 'jwt', 'internal', 'jwks'])} is required for synth and review in ${profile}: give the public JWKS of the internalIssuerKey secret (\`pulumi up\` derives it from the key itself)`);
    return '{"keys":[]}';
  };
  const jwt = {
    public: { ...gateway.jwt.public, jwks: jwks('public') },
    internal: { ...gateway.jwt.internal, jwks: jwks('internal') },
  };
  if (problems.length === 0) {
    problems.push(...gatewayJwksProblems([
      { key: configKey(['gateway', 'jwt', 'public']), jwks: jwt.public.jwks, audience: jwt.public.audience, needsAudience: true },
      // Internal tokens always carry the platform's audience, which every internal consumer requires.
      { key: configKey(['gateway', 'jwt', 'internal']), jwks: jwt.internal.jwks, needsAudience: false },
    ], profile !== 'dev'));
    if (jwt.public.issuer === jwt.internal.issuer || jwt.internal.issuer.startsWith(`${jwt.public.issuer.replace(/\/$/, '')}/`)) {
      problems.push(`${configKey(['gateway', 'jwt', 'internal', 'issuer'])}: "${jwt.internal.issuer}" overlaps the public issuer "${jwt.public.issuer}"; agents' issuers are "<internal issuer>/<tenant>/<agent>", so give the internal issuer a URL of its own`);
    }
  }
  return { gateway: { ...gateway, jwt }, problems };
}

/** Where a dev stack's throwaway keys are, for messages and docs. */
export function devKeysLocation(): string {
  return devKeyDirectory();
}
