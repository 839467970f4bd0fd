import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ANNOTATION } from '../constructs/labels';

/** Arguments of {@link ChartRelease}. */
export interface ChartReleaseArgs {
  /** The synthesized objects of one cdk8s chart. */
  readonly objects: Record<string, unknown>[];
}

/**
 * Deploys one synthesized cdk8s chart as a `yaml.v2.ConfigGroup`. Deliberately thin: all
 * rendering and validation happened in the constructs; this only hands objects to Pulumi.
 * Objects marked `agentruntime.io/apply-as-patch` belong to another controller (the namespace's
 * `default` ServiceAccount): they become server-side-apply patches, which a destroy gives back to
 * their owner instead of deleting (and waiting for an object that controller recreates).
 *
 * @example new ChartRelease('platform', { objects }, { dependsOn: [crds] });
 */
export class ChartRelease extends pulumi.ComponentResource {
  /** The Kubernetes resources of the release. */
  public readonly resources: pulumi.Output<any[]>;

  constructor(name: string, args: ChartReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super('agentruntime:k8s:ChartRelease', name, {}, opts);
    const patches = args.objects.filter(isPatch);
    const group = new k8s.yaml.v2.ConfigGroup(name, { objs: args.objects.filter((o) => !isPatch(o)) }, { parent: this });
    // After the group: it holds the Namespace the patched object's controller creates it in.
    const patched = patches.map((o) => patchOf(o, { parent: this, dependsOn: [group] }));
    this.resources = group.resources.apply((rs) => [...(rs ?? []), ...patched]);
    this.registerOutputs({ resources: this.resources });
  }
}

function isPatch(o: Record<string, any>): boolean {
  return o.metadata?.annotations?.[ANNOTATION.applyAsPatch] === 'true';
}

/** The server-side-apply patch of a controller-owned object. Only kinds the constructs mark are known. */
function patchOf(o: Record<string, any>, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  const { annotations, ...metadata } = o.metadata;
  // The annotations for deployers stay out of the live object; its labels and other fields are ours.
  const { [ANNOTATION.applyAsPatch]: _patch, 'argocd.argoproj.io/sync-options': _argo, 'kustomize.toolkit.fluxcd.io/prune': _flux, ...kept } = annotations;
  const args = { ...o, metadata: { ...metadata, ...(Object.keys(kept).length ? { annotations: kept } : {}) } };
  if (o.apiVersion === 'v1' && o.kind === 'ServiceAccount') {
    return new k8s.core.v1.ServiceAccountPatch(`${o.metadata.namespace}-${o.metadata.name}-patch`, args, opts);
  }
  throw new Error(`${o.kind} ${o.metadata.namespace}/${o.metadata.name} is marked ${ANNOTATION.applyAsPatch} but ChartRelease patches ServiceAccounts only`);
}
