/**
 * The Pulumi program: typed config -> cdk8s charts -> releases, in order:
 * third-party controllers and CRDs -> platform -> tenants -> registrations in Nacos.
 * Configuration is validated first, so bad config fails before any resource is registered.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { synthesizePlatform, type SynthesizedPlatform } from './charts';
import { ConfigError, knownConfigKeys, PROJECT, readPlatformConfig, SECRET_KEYS, type PlatformConfig } from './config';
import { stackFileProblems } from './stack-file';
import { internalIssuerKeys, setInternalJwks } from './internal-issuer-keys';
import { deployPlatform } from './platform-release';
import { readStackSecrets } from './secrets';
import { deployTenant, tenantSecretsOf } from './tenant-release';
import { lackingSecretKeys, setSecretCommands } from './tenant-secrets';

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

/**
 * The stack file's own problems (keys Pulumi ignores, secrets in plain text) as synth reports them;
 * Pulumi hands the program only the values, so the file is read where `pulumi up` runs.
 */
function checkStackFile(stack: string): void {
  const file = path.join(process.cwd(), `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) return;
  const problems = stackFileProblems(yaml.load(fs.readFileSync(file, 'utf8')), path.basename(file), knownConfigKeys(), SECRET_KEYS);
  if (problems.length) throw new ConfigError(problems.join('\n'));
}

/** Runs the stack and returns its outputs. */
export function runStack() {
  checkStackFile(pulumi.getStack());
  const values = readConfigValues();
  const issuer = withInternalIssuerKey(values);
  const config = readPlatformConfig(pulumi.getStack(), values);
  const { registration } = config;
  checkRegistration(config);
  const secrets = readStackSecrets(new pulumi.Config(PROJECT), config.platform.nacos?.storage?.mode === 'mysql');
  const synthesized = synthesizePlatform(config);
  checkTenantSecrets(synthesized, secrets.tenantSecretKeys);
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

/** Every Secret key a tenant's agents read is in `tenantSecrets` (kagent rejects an Agent whose Secret is missing). */
export function checkTenantSecrets(synthesized: SynthesizedPlatform, present: readonly string[]): void {
  const tenantObjects = synthesized.charts.filter((c) => c.name.startsWith('tenant-')).flatMap((c) => c.objects);
  const lacking = lackingSecretKeys(tenantObjects, present);
  if (lacking.length) {
    throw new ConfigError(`${PROJECT}:tenantSecrets lacks ${lacking.length} key(s) the agents read (kagent would reject them): ${lacking.join(', ')}; set each with\n  ${setSecretCommands(lacking).join('\n  ')}`);
  }
}

/** Registration needs the Nacos endpoint while it is enabled. */
export function checkRegistration(config: PlatformConfig): void {
  if (config.registration.enabled && !config.registration.endpoint) {
    throw new ConfigError(`${PROJECT}:registration.endpoint is required while registration is enabled; give the Nacos HTTP address, e.g. http://127.0.0.1:8848 (kubectl port-forward -n nacos svc/nacos 8848), or set ${PROJECT}:registration.enabled: false`);
  }
}

/**
 * Resolves the internal issuer's keys (internal-issuer-keys.ts), sets the gateway's internal JWKS
 * from them in `values` (synth and review read `gateway.jwt.internal.jwks`, never seeing secrets) and
 * returns the controller's key Secret data as Pulumi secrets.
 */
function withInternalIssuerKey(values: Record<string, unknown>): Record<string, pulumi.Output<string>> {
  const config = new pulumi.Config(PROJECT);
  const keys = internalIssuerKeys(pulumi.getStack(), values,
    pulumi.runtime.getConfig(`${PROJECT}:internalIssuerKey`), pulumi.runtime.getConfig(`${PROJECT}:internalIssuerPreviousKey`));
  setInternalJwks(values, keys);
  return {
    'private-key.pem': keys.throwaway ? pulumi.secret(keys.current) : config.requireSecret('internalIssuerKey'),
    ...(keys.previous ? { 'previous-private-key.pem': config.requireSecret('internalIssuerPreviousKey') } : {}),
  };
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
