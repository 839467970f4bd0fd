import { LABEL } from '../../constructs/labels';
import { SANDBOX_LIFETIME_ANNOTATION } from '../../constructs/sandbox-pool';
import { findAll, findOne } from '../support/manifest';
import { validateAll } from '../support/schema-validator';
import { byoAgent, PYPI, tenantChart } from './_example';

describe('SandboxPool', () => {
  function synth(extra: Record<string, unknown> = {}) {
    const { chart, tenant } = tenantChart({ name: 'acme' });
    const pool = tenant.addSandboxPool({ name: 'code', image: 'ghcr.io/acme/py-sandbox:3.12.1', runtimeClassName: 'gvisor', egressAllowList: [PYPI], ...extra });
    tenant.addAgent({ ...byoAgent('coder'), sandboxPool: pool });
    const objects = chart.toJson();
    expect(validateAll(objects)).toEqual([]);
    return { objects, pool };
  }

  test('matches the defaults snapshot', () => {
    const { objects } = synth();
    expect(objects.filter((o) => o.metadata.labels?.[LABEL.sandboxPool] === 'code' && o.metadata.labels?.[LABEL.role] === 'sandbox')).toMatchSnapshot();
  });

  test('runs restricted, token-less pods under the RuntimeClass with cpu, memory and ephemeral-storage limits', () => {
    const t = findOne(synth().objects, 'SandboxTemplate', 'code', 'acme');
    expect(t.apiVersion).toBe('extensions.agents.x-k8s.io/v1beta1');
    const pod = t.spec.podTemplate.spec;
    expect(pod.runtimeClassName).toBe('gvisor');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(pod.containers[0].resources.limits).toEqual({ cpu: '500m', memory: '512Mi', 'ephemeral-storage': '1Gi' });
  });

  test('sets an explicit network policy keeping DNS and the allow list, reachable from its agents only', () => {
    const { objects } = synth();
    const policy = findOne(objects, 'SandboxTemplate', 'code', 'acme').spec.networkPolicy;
    expect(policy.egress[0].ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    expect(policy.egress[1]).toEqual({ to: [{ ipBlock: { cidr: '151.101.0.0/16' } }], ports: [{ protocol: 'TCP', port: 443 }] });
    expect(policy.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { [LABEL.tenant]: 'acme', [LABEL.agent]: 'coder', [LABEL.track]: 'stable' } } }], ports: [{ protocol: 'TCP', port: 8888 }] }]);
    const np = findOne(objects, 'NetworkPolicy', 'code-sandbox', 'acme').spec;
    expect({ ingress: np.ingress, egress: np.egress }).toEqual(policy);
    expect(np.podSelector.matchLabels).toEqual({ [LABEL.tenant]: 'acme', [LABEL.role]: 'sandbox', [LABEL.sandboxPool]: 'code' });
  });

  test('keeps a warm pool and carries the lifetime as an annotation (claims carry lifecycle)', () => {
    const { objects } = synth({ warmReplicas: 3, lifetimeSeconds: 900 });
    const wp = findOne(objects, 'SandboxWarmPool', 'code', 'acme');
    expect(wp.spec).toEqual({ replicas: 3, sandboxTemplateRef: { name: 'code' } });
    expect(wp.metadata.annotations[SANDBOX_LIFETIME_ANNOTATION]).toBe('900');
    expect(findOne(objects, 'SandboxTemplate', 'code', 'acme').metadata.annotations[SANDBOX_LIFETIME_ANNOTATION]).toBe('900');
  });

  test('scales the warm pool with KEDA when asked', () => {
    const { objects } = synth({ scaling: { maxWarmReplicas: 10, trigger: { type: 'cron', metadata: { timezone: 'UTC', start: '0 8 * * *', end: '0 18 * * *', desiredReplicas: '5' } } } });
    expect(findOne(objects, 'ScaledObject', 'code-warm-pool', 'acme').spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'extensions.agents.x-k8s.io/v1beta1', kind: 'SandboxWarmPool', name: 'code' },
      minReplicaCount: 1, maxReplicaCount: 10,
    });
  });

  test('does not scale the warm pool by default', () => {
    expect(findAll(synth().objects, 'ScaledObject')).toEqual([]);
  });

  test('lets the agent using it reach the sandboxes', () => {
    const egress = findOne(synth().objects, 'NetworkPolicy', 'coder-egress', 'acme').spec.egress;
    expect(egress).toContainEqual({ to: [{ podSelector: { matchLabels: { [LABEL.tenant]: 'acme', [LABEL.role]: 'sandbox', [LABEL.sandboxPool]: 'code' } } }], ports: [{ protocol: 'TCP', port: 8888 }] });
  });
});
