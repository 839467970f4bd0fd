/**
 * An environment's configuration -> the stacks of `agent-runtime deploy`: the platform stack's
 * program and one program per tenant, each with the hash of its inputs (its synthesized objects and
 * settings, secrets included; recorded as a secret output, so the hash reveals nothing). Everything
 * is validated and synthesized here, before any stack is touched; the programs then only register
 * what was synthesized, so a tenant's program costs that tenant's resources and nothing more.
 */
import { createHash } from 'crypto';
import * as pulumi from '@pulumi/pulumi';
import { synthesizePlatform } from '../charts';
import { ConfigError, PROJECT, readPlatformConfig, SECRET_KEYS, type PlatformConfig } from '../config';
import { deployPlatform } from '../platform-release';
import { internalIssuerKeys, issuerSecretData, setInternalJwks } from '../internal-issuer-keys';
import { checkRegistration, checkTenantSecrets, gatewayAddress, routesOf } from '../program';
import { missingSecretMessage, MYSQL_SECRETS, REQUIRED_SECRETS, tenantSecretKeyProblems, type StackSecrets } from '../secrets';
import { deployTenant, tenantSecretsOf } from '../tenant-release';
import type { DeployPlan } from './deploy-runner';
import { INPUTS_HASH_OUTPUT } from './stack-engine';
import { platformStack, tenantStack } from './stack-names';

/** A stack's config as `pulumi config --json --show-secrets` gives it: `agent-runtime:key` -> value. */
export type EnvConfig = Record<string, { value: string; secret?: boolean }>;

/** Changes whenever the programs change what they register for the same inputs. */
const PROGRAM_VERSION = `agent-runtime@${require('../../package.json').version}/deploy-1`;

/**
 * Validates and synthesizes `env` and returns its deploy plan. Throws a {@link ConfigError} listing
 * every missing secret, or the configuration's first error, before anything is deployed.
 */
export function planDeploy(env: string, entries: EnvConfig): DeployPlan & { config: PlatformConfig } {
  const values: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  for (const [fullKey, { value }] of Object.entries(entries)) {
    const [project, key] = fullKey.split(':');
    if (project !== PROJECT) continue;
    if ((SECRET_KEYS as readonly string[]).includes(key)) secrets[key] = value;
    else values[key] = parsed(value);
  }
  const issuerKeys = internalIssuerKeys(env, values, secrets.internalIssuerKey, secrets.internalIssuerPreviousKey);
  setInternalJwks(values, issuerKeys);
  const config = readPlatformConfig(env, values);
  checkRegistration(config);
  const mysql = config.platform.nacos?.storage?.mode === 'mysql';
  const missing = Object.entries({ ...REQUIRED_SECRETS, ...(mysql ? MYSQL_SECRETS : {}) }).filter(([key]) => !secrets[key]);
  if (missing.length) throw new ConfigError(missing.map(([key, what]) => missingSecretMessage(key, what)).join('\n'));
  const tenantSecrets: Record<string, string> = secrets.tenantSecrets ? JSON.parse(secrets.tenantSecrets) : {};
  const badKeys = tenantSecretKeyProblems(Object.keys(tenantSecrets));
  if (badKeys.length) throw new ConfigError(badKeys.join('\n'));

  const synthesized = synthesizePlatform(config);
  const chart = (name: string) => synthesized.charts.find((c) => c.name === name)!;
  checkTenantSecrets(synthesized, Object.keys(tenantSecrets));
  const issuerSecret = issuerSecretData(issuerKeys);
  const platformHash = inputsHash({
    charts: synthesized.charts.filter((c) => !c.name.startsWith('tenant-')), higressValues: synthesized.higressValues,
    thirdParty: config.thirdParty, registration: config.registration, protectRegistry: config.protectRegistry,
    // Tenants' secrets are their stacks' inputs, not the platform's.
    secrets: { ...secrets, tenantSecrets: undefined }, issuerSecret,
  });
  const host = config.platform.gatewayHost;

  const platform = {
    stack: platformStack(env),
    hash: platformHash,
    program: () => {
      const released = deployPlatform(config, synthesized, stackSecretsOf(secrets, mysql), secretValues(issuerSecret));
      const done = pulumi.all<unknown>([
        released.platform.resources.apply((rs) => pulumi.all((rs ?? []).map((r: pulumi.CustomResource) => r.id))), ...(released.admin ? [released.admin.id] : []),
      ]);
      return {
        gatewayUrl: `https://${host}`,
        gatewayAddress: released.installed.higress ? gatewayAddress(released.installed.higress) : 'managed outside this stack',
        // What tenant stacks need of the platform: the admin their registrations log in as.
        nacosCredentials: released.admin ? pulumi.secret(released.admin.credentials) : undefined,
        [INPUTS_HASH_OUTPUT]: pulumi.secret(done.apply(() => platformHash)),
      };
    },
  };

  const tenants = config.tenants.map((t) => {
    const objects = chart(`tenant-${t.name}`).objects;
    const own = Object.fromEntries(Object.entries(tenantSecrets).filter(([k]) => k.startsWith(`${t.name}/`)));
    // The admin password is in: registrations log in with it, so a new one re-registers.
    const hash = inputsHash({ objects, registration: config.registration, secrets: own, admin: config.registration.enabled ? secrets.nacosAdminPassword : undefined });
    return {
      tenant: t.name,
      stack: tenantStack(env, t.name),
      hash,
      program: (platformOutputs: Record<string, unknown>) => () => {
        const credentials = platformOutputs.nacosCredentials as { username: string; password: string } | undefined;
        if (config.registration.enabled && !credentials) {
          pulumi.log.warn(`${platformStack(env)} has no nacosCredentials output yet (not deployed): the registrations of ${t.name}'s cards are left out of this preview`);
        }
        const released = deployTenant({
          tenant: t.name, objects, registration: config.registration,
          secrets: tenantSecretsOf(t.name, Object.keys(own), (k) => pulumi.secret(own[k])),
          credentials: credentials && config.registration.enabled ? pulumi.secret(credentials) : undefined,
        });
        return {
          routes: Object.fromEntries(routesOf(objects, host)),
          cards: released.cards,
          [INPUTS_HASH_OUTPUT]: pulumi.secret(released.done.apply(() => hash)),
        };
      },
    };
  });
  return { env, config, platform, tenants };
}

/** sha256 of the canonical JSON of `value` and the program version. */
export function inputsHash(value: unknown): string {
  return createHash('sha256').update(PROGRAM_VERSION).update('\0').update(canonicalJson(value)).digest('hex');
}

/** JSON with object keys sorted, so the same content always hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter((k) => (value as any)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson((value as any)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function parsed(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function secretValues(data: Record<string, string>): Record<string, pulumi.Output<string>> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, pulumi.secret(v)]));
}

/** The platform's secrets as the shared release code takes them (Pulumi secrets; made inside the program run). */
function stackSecretsOf(secrets: Record<string, string>, mysql: boolean): StackSecrets {
  const s = (key: string) => pulumi.secret(secrets[key]);
  return {
    nacosAuthToken: s('nacosAuthToken'),
    nacosIdentityKey: s('nacosIdentityKey'),
    nacosIdentityValue: s('nacosIdentityValue'),
    nacosAdminPassword: s('nacosAdminPassword'),
    mysql: mysql ? { username: s('mysqlUsername'), password: s('mysqlPassword') } : undefined,
    // Tenant Secrets are made by the tenant stacks, not the platform's.
    tenantSecrets: pulumi.secret<Record<string, string>>({}),
    tenantSecretKeys: [],
  };
}
