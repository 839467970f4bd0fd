/**
 * Third-party controllers the platform needs, each pinned and each switchable off when the
 * cluster already runs it. Their CRDs must exist before our custom resources.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { ThirdPartyConfig as ThirdPartyConfigKeys } from './config-types';

/** Pinned versions of the third-party parts. */
export const THIRD_PARTY_VERSIONS = {
  higress: { chart: 'higress', version: '2.2.1', repo: 'https://higress.io/helm-charts' },
  kagent: { version: '0.9.12', crdsChart: 'oci://ghcr.io/kagent-dev/kagent/helm/kagent-crds', chart: 'oci://ghcr.io/kagent-dev/kagent/helm/kagent' },
  agentSandbox: { version: 'v0.5.6', manifest: 'https://github.com/kubernetes-sigs/agent-sandbox/releases/download/v0.5.6/sandbox-with-extensions.yaml' },
  keda: { chart: 'keda', version: '2.17.2', repo: 'https://kedacore.github.io/charts' },
} as const;

/** Which parts to install (`agent-runtime:thirdParty`, defaults filled in). */
export type ThirdPartyConfig = Required<ThirdPartyConfigKeys>;

/** The installed parts; custom resources of ours depend on `crds`. */
export interface ThirdPartyReleases {
  readonly crds: pulumi.Resource[];
  readonly higress?: k8s.helm.v4.Chart;
}

/**
 * Installs the enabled parts into namespaces that `dependsOn` creates.
 * Higress is rendered by `helm.v4.Chart`, which renders in the provider with cluster access,
 * so the chart's `lookup` calls see the live cluster (`helm.v3.Chart` would render them empty).
 */
export function installThirdParty(
  config: ThirdPartyConfig, higressValues: Record<string, unknown>, opts: pulumi.ComponentResourceOptions,
): ThirdPartyReleases {
  const v = THIRD_PARTY_VERSIONS;
  const crds: pulumi.Resource[] = [];
  let higress: k8s.helm.v4.Chart | undefined;
  if (config.higress) {
    higress = new k8s.helm.v4.Chart('higress', {
      chart: v.higress.chart,
      version: v.higress.version,
      repositoryOpts: { repo: v.higress.repo },
      namespace: 'higress-system',
      values: {
        ...higressValues,
        global: {
          ingressClass: 'higress', watchNamespace: '', enableRedis: false, o11y: { enabled: false },
          ...(higressValues.global as Record<string, unknown> | undefined),
        },
      },
    }, opts);
    crds.push(higress);
  }
  // helm.v4.Chart does not create namespaces; higress-system comes from the platform chart.
  const namespace = (name: string) => new k8s.core.v1.Namespace(name, { metadata: { name } }, opts);
  if (config.kagent) {
    const ns = namespace('kagent');
    const kagentCrds = new k8s.helm.v4.Chart('kagent-crds', { chart: v.kagent.crdsChart, version: v.kagent.version, namespace: 'kagent' }, { ...opts, dependsOn: [ns] });
    const kagent = new k8s.helm.v4.Chart('kagent', {
      chart: v.kagent.chart, version: v.kagent.version, namespace: 'kagent', skipCrds: true,
      values: kagentValues(),
    }, { ...opts, dependsOn: [ns, kagentCrds] });
    crds.push(kagentCrds, kagent);
  }
  if (config.agentSandbox) {
    crds.push(new k8s.yaml.v2.ConfigFile('agent-sandbox', { file: v.agentSandbox.manifest }, opts));
  }
  if (config.keda) {
    crds.push(new k8s.helm.v4.Chart('keda', {
      chart: v.keda.chart, version: v.keda.version, repositoryOpts: { repo: v.keda.repo }, namespace: 'keda',
    }, { ...opts, dependsOn: [namespace('keda')] }));
  }
  return { crds, higress };
}

/**
 * kagent 0.9.12 chart values (keys of its values.yaml only): no demo agents or their tool servers
 * (each is a top-level subchart switch), and `proxy.url` = the gateway, so agent tools of declarative
 * agents reach other agents through the gateway's JWT-checked routes (header `x-kagent-host`).
 */
export function kagentValues(gatewayUrl = 'http://higress-gateway.higress-system.svc.cluster.local'): Record<string, unknown> {
  const demoAgents = ['k8s-agent', 'kgateway-agent', 'istio-agent', 'promql-agent', 'observability-agent', 'argo-rollouts-agent',
    'helm-agent', 'cilium-policy-agent', 'cilium-manager-agent', 'cilium-debug-agent'];
  return {
    ...Object.fromEntries(demoAgents.map((a) => [a, { enabled: false }])),
    'kagent-tools': { enabled: false },
    'grafana-mcp': { enabled: false },
    proxy: { url: gatewayUrl },
  };
}
