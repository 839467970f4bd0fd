import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { TOKEN_FINGERPRINT_LABEL } from '../runtime/controller/kagent-token-refresh';

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
    const group = new k8s.yaml.v2.ConfigGroup(name, { objs: args.objects }, { parent: this, transforms: [_controllerOwnedFields] });
    this.resources = group.resources;
    this.registerOutputs({ resources: this.resources });
  }
}

/**
 * Fields another writer owns inside objects Pulumi deploys: the controller's token-fingerprint
 * label on kagent Agents (server-side apply, its own field manager). Pulumi never sets it, and
 * ignores it, so `pulumi up` and `refresh` neither remove it nor report it as drift.
 */
function _controllerOwnedFields(args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined {
  if (args.type !== 'kubernetes:kagent.dev/v1alpha2:Agent') return undefined;
  return { props: args.props, opts: pulumi.mergeOptions(args.opts, { ignoreChanges: [`metadata.labels["${TOKEN_FINGERPRINT_LABEL}"]`] }) };
}
