import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Lazy, Testing } from 'cdk8s';
import { _emitTyped } from '../../constructs/_typed-manifest';

describe('typed manifests: one rendering path, the generated toJson_* converters', () => {
  test('a Lazy inside typed props is refused (the generated converter throws), never rendered as {}', () => {
    const chart = Testing.chart();
    const ports = Lazy.any({ produce: () => [{ port: 80 }] }) as unknown as k8s.ServicePort[];
    expect(() => _emitTyped(chart, 'svc', k8s.KubeService.GVK, k8s.toJson_KubeServiceProps, { metadata: { name: 's' }, spec: { ports } }))
      .toThrow(TypeError);
  });

  test('late fields (produced at synth) go through the same converter: renamed and unwrapped', () => {
    const chart = Testing.chart();
    _emitTyped(chart, 'svc', k8s.KubeService.GVK, k8s.toJson_KubeServiceProps, { metadata: { name: 's' } }, {}, {
      spec: () => ({ clusterIp: 'None', ports: [{ port: 80, targetPort: k8s.IntOrString.fromString('http') }] }),
    });
    expect(Testing.synth(chart)[0].spec).toEqual({ clusterIP: 'None', ports: [{ port: 80, targetPort: 'http' }] });
  });
});
