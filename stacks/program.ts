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
import { ChartRelease } from './chart-release';
import { synthesizePlatform } from './charts';
import { ConfigError, knownConfigKeys, PROJECT, readPlatformConfig, SECRET_KEYS } from './config';
import { stackFileProblems } from './stack-file';
import { jwksOf } from '../runtime/controller/internal-jwt';
import { NacosAdmin } from '../runtime/nacos-admin-resource';
import { NACOS_ADMIN_USER, registerTenant } from './registrations';
import { readStackSecrets, secret } from './secrets';
import { installThirdParty } from './third-party';

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
  const { thirdParty, registration } = config;
  if (registration.enabled && !registration.endpoint) {
    throw new ConfigError(`${PROJECT}:registration.endpoint is required while registration is enabled; give the Nacos HTTP address, e.g. http://127.0.0.1:8848 (kubectl port-forward -n nacos svc/nacos 8848), or set ${PROJECT}:registration.enabled: false`);
  }
  const secrets = readStackSecrets(new pulumi.Config(PROJECT), config.platform.nacos?.storage?.mode === 'mysql');
  const synthesized = synthesizePlatform(config);
  // ---- nothing above this line creates a resource ----

  const chart = (name: string) => synthesized.charts.find((c) => c.name === name)!;
  const base = new ChartRelease('platform-base', { objects: chart('platform-base').objects });
  const installed = installThirdParty(thirdParty, synthesized.higressValues, { dependsOn: [base] });

  const nacosAuth = config.platform.nacos?.authSecretName ?? 'nacos-auth';
  const platformSecrets = [
    secret(nacosAuth, 'nacos', {
      token: secrets.nacosAuthToken, identityKey: secrets.nacosIdentityKey, identityValue: secrets.nacosIdentityValue,
    }, { dependsOn: [base] }),
    secret(config.platform.gateway.registryAuthSecretName ?? 'higress-nacos-auth', 'higress-system', {
      nacosUsername: NACOS_ADMIN_USER, nacosPassword: secrets.nacosAdminPassword,
    }, { dependsOn: [base] }),
  ];
  const controller = config.platform.runtimeController;
  if (controller?.enabled !== false) {
    // The controller logs in to Nacos as the admin the stack creates, and signs with the issuer key.
    platformSecrets.push(secret(controller?.nacosAuthSecretName ?? 'agent-runtime-controller-nacos', 'agent-runtime', {
      username: NACOS_ADMIN_USER, password: secrets.nacosAdminPassword,
    }, { dependsOn: [base] }));
    if (issuer) platformSecrets.push(secret(controller?.issuerKeySecretName ?? 'agent-runtime-internal-issuer', 'agent-runtime', issuer, { dependsOn: [base] }));
  }
  const storage = config.platform.nacos?.storage;
  if (storage?.mode === 'mysql' && secrets.mysql) {
    platformSecrets.push(secret(storage.secretName, 'nacos', { username: secrets.mysql.username, password: secrets.mysql.password }, { dependsOn: [base] }));
  }
  // Protected environments keep the registry (its StatefulSet and volumes) through a destroy.
  const keep = config.protectRegistry ? { protect: true, retainOnDelete: true } : {};
  const platform = new ChartRelease('platform', { objects: chart('platform').objects }, {
    dependsOn: [base, ...installed.crds, ...platformSecrets], ...keep,
  });

  // Nacos 3 ships no user: the first admin is created from the secret config, and every
  // registration logs in with its credentials (so it comes after it).
  const admin = registration.enabled
    ? new NacosAdmin('nacos-admin', { endpoint: registration.endpoint, password: secrets.nacosAdminPassword }, { dependsOn: [platform] })
    : undefined;
  const credentials = admin?.credentials as pulumi.Output<{ username: string; password: string }>;
  const tenants = config.tenants.map((t) => {
    const objects = chart(`tenant-${t.name}`).objects;
    const release = new ChartRelease(`tenant-${t.name}`, { objects }, { dependsOn: [platform, ...installed.crds] });
    // `<tenant>/<secret>/<key>` entries: one Secret per name, with all of its keys.
    const byName = new Map<string, Record<string, pulumi.Output<string>>>();
    for (const k of secrets.tenantSecretKeys.filter((k) => k.startsWith(`${t.name}/`))) {
      const [, name, key] = k.split('/');
      byName.set(name, { ...byName.get(name), [key]: secrets.tenantSecrets.apply((m) => m[k]) });
    }
    const tenantSecrets = [...byName].map(([name, data]) => secret(name, t.name, data, { dependsOn: [release] }));
    const registered = admin
      ? registerTenant(t.name, objects, registration, credentials, [platform, release, ...tenantSecrets])
      : undefined;
    return { name: t.name, objects, registered };
  });

  const host = config.platform.gatewayHost;
  return {
    gatewayUrl: `https://${host}`,
    gatewayAddress: installed.higress ? gatewayAddress(installed.higress) : 'managed outside this stack',
    tenants: tenants.map((t) => t.name),
    routes: Object.fromEntries(tenants.flatMap((t) => routesOf(t.objects, host))),
    cards: tenants.flatMap((t) => (t.registered?.cards ?? []).map((c) => c.registered)),
  };
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
  const gateway = (values.gateway ?? {}) as Record<string, any>;
  const jwt = gateway.jwt ?? {};
  values.gateway = { ...gateway, jwt: { ...jwt, internal: { ...jwt.internal, jwks: JSON.stringify(jwksOf(current, previous ?? '')) } } };
  const config = new pulumi.Config(PROJECT);
  return {
    'private-key.pem': config.requireSecret('internalIssuerKey'),
    ...(previous ? { 'previous-private-key.pem': config.requireSecret('internalIssuerPreviousKey') } : {}),
  };
}

/** The load-balancer address of the Higress gateway Service. */
function gatewayAddress(higress: pulumi.Resource): pulumi.Output<string> {
  const svc = k8s.core.v1.Service.get('higress-gateway', 'higress-system/higress-gateway', { dependsOn: [higress] });
  return svc.status.loadBalancer.ingress.apply((ingress) => ingress?.[0]?.ip ?? ingress?.[0]?.hostname ?? 'pending');
}

/** `tenant/agent` -> the gateway routes of that agent, from the Ingresses. */
function routesOf(objects: any[], host: string): [string, string[]][] {
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
