/**
 * Runs the real Pulumi program under Pulumi's mocks and records every registration as the
 * engine receives it: type, name, parent, dependencies and the serialized inputs (where
 * secrets are still marked as secrets).
 */
import { generateKeyPairSync } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { isSecret, RecordedRegistration, recordRegistrations } from '../support/pulumi-registrations';

export { isSecret };

const ROOT = path.resolve(__dirname, '..', '..');

/** A registration with its URN as the engine names it. */
export type Registration = RecordedRegistration;

/** Test secret values; the tests assert they never appear in plain text. */
export const TEST_SECRETS: Record<string, string> = {
  nacosAuthToken: 'dGhpcy1pcy1hLXRlc3QtdG9rZW4tb2YtMzItYnl0ZXMtbGVu',
  nacosIdentityKey: 'test-identity-key',
  nacosIdentityValue: 'test-identity-value-7f3a',
  nacosAdminPassword: 'test-admin-password-9c1e',
  tenantSecrets: JSON.stringify({
    'acme/acme-openai/api-key': 'sk-test-model-key-5d2b', 'acme/acme-openai/org': 'org-test',
    'acme/acme-kb-token/token': 'kb-test-token-8e4f',
  }),
};

/** The internal issuer key of staging and prod runs, generated per run (dev signs with its throwaway key). */
export const TEST_ISSUER_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** The stack's config as `setAllConfig` takes it, optionally changed by `mutate`. */
export function stackConfig(env: string, mutate?: (values: Record<string, any>) => void): Record<string, string> {
  const doc = yaml.load(fs.readFileSync(path.join(ROOT, `Pulumi.${env}.yaml`), 'utf8')) as any;
  const values: Record<string, any> = {};
  for (const [k, v] of Object.entries(doc.config)) values[k.replace(/^agent-runtime:/, '')] = v;
  values.registration = { endpoint: 'http://127.0.0.1:8848' };
  mutate?.(values);
  const config: Record<string, string> = {};
  const secrets = env === 'dev' ? TEST_SECRETS : { ...TEST_SECRETS, internalIssuerKey: TEST_ISSUER_KEY };
  for (const [k, v] of Object.entries({ ...values, ...secrets })) {
    config[`agent-runtime:${k}`] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return config;
}

/** Runs `stacks/program.ts` under mocks; resolves when every registration has been answered. */
export async function runStackWithMocks(
  env: string, config = stackConfig(env), registrations: Registration[] = [],
): Promise<{ registrations: Registration[]; outputs: Record<string, unknown> }> {
  const pulumi = require('@pulumi/pulumi');
  recordRegistrations(registrations);
  await pulumi.runtime.setMocks({
    newResource: (args: any) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: (args: any) => args.inputs,
  }, 'agent-runtime', env, false);
  pulumi.runtime.setAllConfig(config, [...Object.keys(TEST_SECRETS), 'internalIssuerKey'].map((k) => `agent-runtime:${k}`));
  const { runStack } = require('../../stacks/program');
  const outputs = runStack();
  const resolved = await new Promise<Record<string, unknown>>((resolve) => pulumi.output(outputs).apply(resolve));
  await pulumi.runtime.disconnect();
  return { registrations, outputs: resolved };
}
