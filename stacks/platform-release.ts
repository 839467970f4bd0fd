/**
 * The platform's resources, in order: base namespaces and classes -> third-party controllers and
 * CRDs -> the platform's Secrets -> the platform chart -> the Nacos admin. Shared by the root
 * program (everything in one stack) and the platform stack of `agent-runtime deploy`.
 */
import * as pulumi from '@pulumi/pulumi';
import { ChartRelease } from './chart-release';
import type { SynthesizedPlatform } from './charts';
import type { PlatformConfig } from './config';
import { NacosAdmin } from '../runtime/nacos-admin-resource';
import { NACOS_ADMIN_USER } from './registrations';
import { secret, type StackSecrets } from './secrets';
import { installThirdParty, type ThirdPartyReleases } from './third-party';

/** What tenants are deployed after. */
export interface PlatformRelease {
  readonly platform: ChartRelease;
  readonly installed: ThirdPartyReleases;
  /** The Nacos admin registrations log in as (while registration is enabled). */
  readonly admin?: NacosAdmin;
}

/**
 * Registers the platform's resources. `issuer`: the controller's signing-key Secret data, when the
 * stack has an `internalIssuerKey`.
 */
export function deployPlatform(
  config: PlatformConfig, synthesized: SynthesizedPlatform, secrets: StackSecrets, issuer: Record<string, pulumi.Input<string>> | undefined,
): PlatformRelease {
  const chart = (name: string) => synthesized.charts.find((c) => c.name === name)!;
  const base = new ChartRelease('platform-base', { objects: chart('platform-base').objects });
  const installed = installThirdParty(config.thirdParty, synthesized.higressValues, { dependsOn: [base] });

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
  const { registration } = config;
  const admin = registration.enabled
    ? new NacosAdmin('nacos-admin', { endpoint: registration.endpoint, password: secrets.nacosAdminPassword }, { dependsOn: [platform] })
    : undefined;
  return { platform, installed, admin };
}
