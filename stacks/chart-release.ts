import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';

/** Arguments of {@link ChartRelease}. */
export interface ChartReleaseArgs {
  /** The synthesized objects of one cdk8s chart. */
  readonly objects: Record<string, unknown>[];
}

/**
 * Deploys one synthesized cdk8s chart as a `yaml.v2.ConfigGroup`. Deliberately thin: all
 * rendering and validation happened in the constructs; this only hands objects to Pulumi.
 *
 * @example new ChartRelease('platform', { objects }, { dependsOn: [crds] });
 */
export class ChartRelease extends pulumi.ComponentResource {
  /** The Kubernetes resources of the release. */
  public readonly resources: pulumi.Output<any[]>;

  constructor(name: string, args: ChartReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super('agentruntime:k8s:ChartRelease', name, {}, opts);
    const group = new k8s.yaml.v2.ConfigGroup(name, { objs: args.objects }, { parent: this });
    this.resources = group.resources;
    this.registerOutputs({ resources: this.resources });
  }
}
