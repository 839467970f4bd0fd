import { Testing } from 'cdk8s';
import { AgentRuntimePlatform, AgentRuntimePlatformProps } from '../../constructs/agent-runtime-platform';
import { PLATFORM_PROPS } from '../support/fixtures';

// The platform namespaces have no LimitRange (tenant namespaces do), so every platform container,
// init containers included, must bound its own scratch space and logs: kube-score's
// container-ephemeral-storage-request-and-limit. A container without it can fill a node's disk.
describe('platform workloads', () => {
  test('every container and init container requests and limits ephemeral-storage', () => {
    const chart = Testing.chart();
    new AgentRuntimePlatform(chart, 'platform', { ...PLATFORM_PROPS } as AgentRuntimePlatformProps);
    const workloads = Testing.synth(chart).filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind));
    expect(workloads.length).toBeGreaterThan(1);
    const missing = workloads.flatMap((w) => {
      const pod = w.spec.template.spec;
      return [...(pod.initContainers ?? []), ...pod.containers]
        .filter((c) => !c.resources?.requests?.['ephemeral-storage'] || !c.resources?.limits?.['ephemeral-storage'])
        .map((c) => `${w.kind} ${w.metadata.name}: ${c.name}`);
    });
    expect(missing).toEqual([]);
  });
});
