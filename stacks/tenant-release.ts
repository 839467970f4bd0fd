/**
 * One tenant's resources: its chart, the Secrets made from its `tenantSecrets` entries, its Nacos
 * namespace and the registrations of its cards. Shared by the root program and the tenant stacks of
 * `agent-runtime deploy`; it reads nothing of any other tenant.
 */
import * as pulumi from '@pulumi/pulumi';
import { ChartRelease } from './chart-release';
import { registerTenant, type RegisteredCard, type RegistrationConfig } from './registrations';
import { secret } from './secrets';
import { isKagentObject } from './tenant-secrets';

/** What deploying a tenant needs. */
export interface TenantReleaseArgs {
  readonly tenant: string;
  readonly objects: any[];
  /** `<secret name>` -> `<key>` -> value (Pulumi secrets). */
  readonly secrets: ReadonlyMap<string, Record<string, pulumi.Input<string>>>;
  readonly registration: RegistrationConfig;
  /** The Nacos admin's credentials; registrations are skipped without them. */
  readonly credentials?: pulumi.Input<{ username: string; password: string }>;
}

/** The registered parts of a tenant. */
export interface TenantRelease {
  readonly release: ChartRelease;
  readonly cards: pulumi.Output<RegisteredCard>[];
  /** Resolves once every resource of the tenant is created or updated (never after a failure). */
  readonly done: pulumi.Output<unknown>;
}

/** Registers a tenant's resources after `dependsOn` (the platform, in the root program). */
export function deployTenant(args: TenantReleaseArgs, dependsOn: pulumi.Resource[] = []): TenantRelease {
  // kagent's objects go last, in a release of their own: its translator reads their Secrets once,
  // at reconcile (kagent spec §2), so the Secrets must exist first.
  const release = new ChartRelease(`tenant-${args.tenant}`, { objects: args.objects.filter((o) => !isKagentObject(o)) }, { dependsOn });
  const tenantSecrets = [...args.secrets].map(([name, data]) => secret(name, args.tenant, data, { dependsOn: [release] }));
  const kagentObjects = args.objects.filter(isKagentObject);
  const kagent = kagentObjects.length
    ? [new ChartRelease(`tenant-${args.tenant}-kagent`, { objects: kagentObjects }, { dependsOn: [...dependsOn, release, ...tenantSecrets] })]
    : [];
  const registered = args.credentials
    ? registerTenant(args.tenant, args.objects, args.registration, pulumi.output(args.credentials), [...dependsOn, release, ...tenantSecrets, ...kagent])
    : undefined;
  const cards = (registered?.cards ?? []).map((c) => c.registered);
  // An id is known only once its resource is created or updated, so `done` never resolves for a failed update.
  const done = pulumi.all<unknown>([
    ...[release, ...kagent].map((r) => r.resources.apply((rs) => pulumi.all((rs ?? []).map((c: pulumi.CustomResource) => c.id)))),
    ...tenantSecrets.map((s) => s.id), ...cards, ...(registered ? [registered.namespace.id] : []),
  ]);
  return { release, cards, done };
}

/**
 * The Secrets of `tenant` among `tenantSecrets`' `<tenant>/<secret>/<key>` entries, one per name with
 * all of its keys. `valueOf` gives an entry's value (a Pulumi secret).
 */
export function tenantSecretsOf(tenant: string, keys: readonly string[], valueOf: (key: string) => pulumi.Input<string>): Map<string, Record<string, pulumi.Input<string>>> {
  const byName = new Map<string, Record<string, pulumi.Input<string>>>();
  for (const k of keys.filter((k) => k.startsWith(`${tenant}/`))) {
    const [, name, key] = k.split('/');
    byName.set(name, { ...byName.get(name), [key]: valueOf(k) });
  }
  return byName;
}
