/**
 * Kubernetes Secrets made from `pulumi config set --secret` values. The values stay Pulumi
 * secrets end to end (the Kubernetes provider also encrypts Secret data in state); the
 * manifests only ever reference the Secrets by name.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';

/** Secret config values the stack needs. */
export interface StackSecrets {
  readonly nacosAuthToken: pulumi.Output<string>;
  readonly nacosIdentityKey: pulumi.Output<string>;
  readonly nacosIdentityValue: pulumi.Output<string>;
  readonly nacosAdminPassword: pulumi.Output<string>;
  readonly mysql?: { readonly username: pulumi.Output<string>; readonly password: pulumi.Output<string> };
  /** `{ "<tenant>/<secret>/<key>": value }` for model API keys and MCP auth headers. */
  readonly tenantSecrets: pulumi.Output<Record<string, string>>;
  readonly tenantSecretKeys: string[];
}

/** The secret config keys a stack requires, each with what its value is (for the error that names it). */
export const REQUIRED_SECRETS = {
  nacosAuthToken: 'a Base64 string that decodes to at least 32 bytes, e.g. `openssl rand -base64 32`',
  nacosIdentityKey: 'any non-empty string shared by all Nacos servers',
  nacosIdentityValue: 'any non-empty string shared by all Nacos servers',
  nacosAdminPassword: 'the password of the Nacos admin user `nacos`',
} as const;

/** The secret config keys a stack whose Nacos stores in MySQL also requires. */
export const MYSQL_SECRETS = { mysqlUsername: 'the MySQL user of Nacos', mysqlPassword: 'its password' } as const;

/** The error of a missing secret config key. */
export function missingSecretMessage(key: string, what: string): string {
  return `missing secret config agent-runtime:${key}; set it with \`pulumi config set --secret ${key} <value>\` (${what})`;
}

/** The refusals of `tenantSecrets` keys that are not `<tenant>/<secret>/<key>`. */
export function tenantSecretKeyProblems(keys: readonly string[]): string[] {
  return keys.filter((key) => !/^[a-z0-9-]+\/[a-z0-9.-]+\/[-._a-zA-Z0-9]+$/.test(key))
    .map((key) => `agent-runtime:tenantSecrets: key "${key}" is not "<tenant>/<secret>/<key>"; e.g. "acme/acme-openai/api-key"`);
}

/** Reads the secret config keys; a missing required secret fails before any resource is created. */
export function readStackSecrets(config: pulumi.Config, needsMysql: boolean): StackSecrets {
  const tenantSecrets = config.getSecretObject<Record<string, string>>('tenantSecrets');
  const req = (key: keyof typeof REQUIRED_SECRETS) => requireSecret(config, key, REQUIRED_SECRETS[key]);
  return {
    nacosAuthToken: req('nacosAuthToken'),
    nacosIdentityKey: req('nacosIdentityKey'),
    nacosIdentityValue: req('nacosIdentityValue'),
    nacosAdminPassword: req('nacosAdminPassword'),
    mysql: needsMysql
      ? { username: requireSecret(config, 'mysqlUsername', MYSQL_SECRETS.mysqlUsername), password: requireSecret(config, 'mysqlPassword', MYSQL_SECRETS.mysqlPassword) }
      : undefined,
    tenantSecrets: tenantSecrets ?? pulumi.secret<Record<string, string>>({}),
    tenantSecretKeys: tenantSecretKeys(),
  };
}

/**
 * The `<tenant>/<secret>/<key>` names of `tenantSecrets`. Only the keys are read synchronously
 * (to know which Secrets to create); the values stay secret outputs.
 */
function tenantSecretKeys(): string[] {
  const keys = Object.keys(JSON.parse(pulumi.runtime.getConfig('agent-runtime:tenantSecrets') ?? '{}'));
  const problems = tenantSecretKeyProblems(keys);
  if (problems.length) throw new Error(problems[0]);
  return keys;
}

function requireSecret(config: pulumi.Config, key: string, what: string): pulumi.Output<string> {
  const value = config.getSecret(key);
  if (value === undefined) {
    throw new Error(missingSecretMessage(key, what));
  }
  return value;
}

/** A Secret whose data are Pulumi secrets. */
export function secret(name: string, namespace: string, data: Record<string, pulumi.Input<string>>, opts: pulumi.CustomResourceOptions): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(`${namespace}-${name}`, {
    metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'agent-runtime' } },
    type: 'Opaque',
    stringData: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, pulumi.secret(v)])),
  }, opts);
}
