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

/** Reads the secret config keys; a missing required secret fails before any resource is created. */
export function readStackSecrets(config: pulumi.Config, needsMysql: boolean): StackSecrets {
  const tenantSecrets = config.getSecretObject<Record<string, string>>('tenantSecrets');
  return {
    nacosAuthToken: requireSecret(config, 'nacosAuthToken', 'a Base64 string that decodes to at least 32 bytes, e.g. `openssl rand -base64 32`'),
    nacosIdentityKey: requireSecret(config, 'nacosIdentityKey', 'any non-empty string shared by all Nacos servers'),
    nacosIdentityValue: requireSecret(config, 'nacosIdentityValue', 'any non-empty string shared by all Nacos servers'),
    nacosAdminPassword: requireSecret(config, 'nacosAdminPassword', 'the password of the Nacos admin user `nacos`'),
    mysql: needsMysql
      ? { username: requireSecret(config, 'mysqlUsername', 'the MySQL user of Nacos'), password: requireSecret(config, 'mysqlPassword', 'its password') }
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
  for (const key of keys) {
    if (!/^[a-z0-9-]+\/[a-z0-9.-]+\/[-._a-zA-Z0-9]+$/.test(key)) {
      throw new Error(`agent-runtime:tenantSecrets: key "${key}" is not "<tenant>/<secret>/<key>"; e.g. "acme/acme-openai/api-key"`);
    }
  }
  return keys;
}

function requireSecret(config: pulumi.Config, key: string, what: string): pulumi.Output<string> {
  const value = config.getSecret(key);
  if (value === undefined) {
    throw new Error(`missing secret config agent-runtime:${key}; set it with \`pulumi config set --secret ${key} <value>\` (${what})`);
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
