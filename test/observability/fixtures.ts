/** Pods the platform does not synthesize itself, as the port test needs them. */

/**
 * The Higress gateway Deployment as the Higress 2.2 Helm chart renders it, reduced to what
 * monitors look at: pod labels (`gateway.selectorLabels`) and the container ports of
 * `helm/core/templates/_pod.tpl` (alibaba/higress @4e0d691).
 */
export function higressGatewayDeployment(): any {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'higress-gateway', namespace: 'higress-system' },
    spec: {
      selector: { matchLabels: { app: 'higress-gateway', higress: 'higress-system-higress-gateway' } },
      template: {
        metadata: { labels: { app: 'higress-gateway', higress: 'higress-system-higress-gateway' } },
        spec: {
          containers: [{
            name: 'higress-gateway',
            image: 'higress-registry.cn-hangzhou.cr.aliyuncs.com/higress/gateway:2.2.1',
            ports: [
              { containerPort: 15020, protocol: 'TCP', name: 'istio-prom' },
              { containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' },
            ],
          }],
        },
      },
    },
  };
}

/**
 * An agent pod as the agent contract describes it (until the `Agent` construct lands):
 * labels `agentruntime.io/{tenant,agent,role}` and a container port named `metrics`.
 */
export function agentPod(tenant = 'acme', agent = 'support', metricsPortName = 'metrics'): any {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name: `${agent}-0`, namespace: tenant,
      labels: { 'agentruntime.io/tenant': tenant, 'agentruntime.io/agent': agent, 'agentruntime.io/role': 'agent' },
    },
    spec: {
      containers: [{
        name: 'agent',
        image: 'registry.example.com/agents/support:1.0.0',
        ports: [{ name: 'a2a', containerPort: 8080, protocol: 'TCP' }, { name: metricsPortName, containerPort: 9090, protocol: 'TCP' }],
      }],
    },
  };
}
