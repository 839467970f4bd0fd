/**
 * The Pulumi program: typed config -> cdk8s charts -> releases, in order:
 * third-party controllers and CRDs -> platform -> tenants -> registrations in Nacos.
 * Configuration is validated first, so bad config fails before any resource is registered.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { synthesizePlatform } from './charts';
import { ConfigError, PROJECT, readPlatformConfig, SECRET_KEYS, type PlatformConfig } from './config';
import { jwksOf } from '../runtime/controller/internal-jwt';
import { deployPlatform } from './platform-release';
import { readStackSecrets } from './secrets';
import { deployTenant, tenantSecretsOf } from './tenant-release';

/** Reads every non-secret `agent-runtime:*` config value, parsing structured ones. */
export function readConfigValues(): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [fullKey, raw] of Object.entries(pulumi.runtime.allConfig())) {
    const [project, key] = fullKey.split(':');
    if (project !== PROJECT || (SECRET_KEYS as readonly string[]).includes(key)) continue;
    try {
      values[key] = JSON.parse(raw);
    } catch {
      values[key] = raw;
    }
  }
  return values;
}

/** Runs the stack and returns its outputs. */
export function runStack() {
  const values = readConfigValues();
  const issuer = withInternalIssuerKey(values);
  const config = readPlatformConfig(pulumi.getStack(), values);
  const { registration } = config;
  checkRegistration(config);
  const secrets = readStackSecrets(new pulumi.Config(PROJECT), config.platform.nacos?.storage?.mode === 'mysql');
  const synthesized = synthesizePlatform(config);
  // ---- nothing above this line creates a resource ----

  const { platform, installed, admin } = deployPlatform(config, synthesized, secrets, issuer);
  const credentials = admin?.credentials as pulumi.Output<{ username: string; password: string }> | undefined;
  const tenants = config.tenants.map((t) => {
    const objects = synthesized.charts.find((c) => c.name === `tenant-${t.name}`)!.objects;
    const released = deployTenant({
      tenant: t.name, objects, registration,
      secrets: tenantSecretsOf(t.name, secrets.tenantSecretKeys, (k) => secrets.tenantSecrets.apply((m) => m[k])),
      credentials,
    }, [platform, ...installed.crds]);
    return { name: t.name, objects, cards: released.cards };
  });

  const host = config.platform.gatewayHost;
  return {
    gatewayUrl: `https://${host}`,
    gatewayAddress: installed.higress ? gatewayAddress(installed.higress) : 'managed outside this stack',
    tenants: tenants.map((t) => t.name),
    routes: Object.fromEntries(tenants.flatMap((t) => routesOf(t.objects, host))),
    cards: tenants.flatMap((t) => t.cards),
  };
}

/** Registration needs the Nacos endpoint while it is enabled. */
export function checkRegistration(config: PlatformConfig): void {
  if (config.registration.enabled && !config.registration.endpoint) {
    throw new ConfigError(`${PROJECT}:registration.endpoint is required while registration is enabled; give the Nacos HTTP address, e.g. http://127.0.0.1:8848 (kubectl port-forward -n nacos svc/nacos 8848), or set ${PROJECT}:registration.enabled: false`);
  }
}

/**
 * With the `internalIssuerKey` secret set, the gateway's internal JWKS is derived from it (and
 * from `internalIssuerPreviousKey` during a key rotation): public halves only, so `pulumi up` and
 * the controller's `kid`s always match. Without it the controller issues no agent tokens.
 * Synth reads the JWKS from config as always (it never sees secrets).
 * Returns the key Secret's data (Pulumi secrets), or `undefined`.
 */
function withInternalIssuerKey(values: Record<string, unknown>): Record<string, pulumi.Output<string>> | undefined {
  const current = pulumi.runtime.getConfig(`${PROJECT}:internalIssuerKey`);
  const previous = pulumi.runtime.getConfig(`${PROJECT}:internalIssuerPreviousKey`);
  // Without it the controller runs and waits for the key Secret (it says so in its log).
  if (!current) return undefined;
  setInternalJwks(values, current, previous);
  const config = new pulumi.Config(PROJECT);
  return {
    'private-key.pem': config.requireSecret('internalIssuerKey'),
    ...(previous ? { 'previous-private-key.pem': config.requireSecret('internalIssuerPreviousKey') } : {}),
  };
}

/** Sets the gateway's internal JWKS in `values` to the public halves of the issuer keys. */
export function setInternalJwks(values: Record<string, unknown>, current: string, previous: string | undefined): void {
  const gateway = (values.gateway ?? {}) as Record<string, any>;
  const jwt = gateway.jwt ?? {};
  values.gateway = { ...gateway, jwt: { ...jwt, internal: { ...jwt.internal, jwks: JSON.stringify(jwksOf(current, previous ?? '')) } } };
}

/** The load-balancer address of the Higress gateway Service. */
export function gatewayAddress(higress: pulumi.Resource): pulumi.Output<string> {
  const svc = k8s.core.v1.Service.get('higress-gateway', 'higress-system/higress-gateway', { dependsOn: [higress] });
  return svc.status.loadBalancer.ingress.apply((ingress) => ingress?.[0]?.ip ?? ingress?.[0]?.hostname ?? 'pending');
}

/** `tenant/agent` -> the gateway routes of that agent, from the Ingresses. */
export function routesOf(objects: any[], host: string): [string, string[]][] {
  const byAgent = new Map<string, string[]>();
  for (const o of objects) {
    const agent = o.metadata?.labels?.['agentruntime.io/agent'];
    if (o.kind !== 'Ingress' || !agent || o.metadata?.annotations?.['higress.io/canary'] === 'true') continue;
    const key = `${o.metadata.namespace}/${agent}`;
    for (const rule of o.spec?.rules ?? []) {
      for (const p of rule.http?.paths ?? []) byAgent.set(key, [...(byAgent.get(key) ?? []), `POST https://${rule.host ?? host}${p.path}`]);
    }
  }
  return [...byAgent.entries()];
}
