import { JsonPatch, Testing } from 'cdk8s';
import * as path from 'path';
import { synthesizePlatform } from '../../stacks/charts';
import { loadStackConfig } from '../../stacks/config';
import { _emit } from '../../constructs/_api-object';

const ROOT = path.resolve(__dirname, '..', '..');

function withCdk8sSerializer<T>(fn: () => T): T {
  process.env.AGENT_RUNTIME_CDK8S_SERIALIZER = '1';
  try {
    return fn();
  } finally {
    delete process.env.AGENT_RUNTIME_CDK8S_SERIALIZER;
  }
}

describe('the lean ApiObject serialization', () => {
  test.each(['dev', 'prod'])('renders the %s environment exactly as cdk8s does, key order included', (env) => {
    const config = loadStackConfig(env, ROOT);
    const fast = synthesizePlatform(config).charts;
    const slow = withCdk8sSerializer(() => synthesizePlatform(config).charts);
    expect(fast.length).toBe(slow.length);
    fast.forEach((chart, i) => expect(JSON.stringify(chart.objects)).toBe(JSON.stringify(slow[i].objects)));
  });

  test('drops unset values and sorts keys like cdk8s', () => {
    const chart = Testing.chart();
    _emit(chart, 'cm', {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'n' },
      data: { b: '2', a: '1', gone: undefined as unknown as string }, immutable: null as unknown as boolean,
    });
    const fast = Testing.synth(chart);
    const slow = withCdk8sSerializer(() => Testing.synth(chart));
    expect(JSON.stringify(fast)).toBe(JSON.stringify(slow));
    expect(Object.keys(fast[0].data)).toEqual(['a', 'b']);
  });

  test('renders metadata added after construction like cdk8s, dropping empty lists and maps', () => {
    const chart = Testing.chart();
    const obj = _emit(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', annotations: {} }, data: { a: '1' } });
    obj.metadata.addLabel('team', 'search');
    obj.metadata.addFinalizers('example.com/keep');
    obj.metadata.add('generateName', 'x-');
    const fast = Testing.synth(chart);
    const slow = withCdk8sSerializer(() => Testing.synth(chart));
    expect(JSON.stringify(fast)).toBe(JSON.stringify(slow));
    expect(fast[0].metadata.annotations).toBeUndefined();
    expect(fast[0].metadata.finalizers).toEqual(['example.com/keep']);
  });

  test('renders plain metadata (the direct path) like cdk8s, labels and annotations added later included', () => {
    const chart = Testing.chart();
    const obj = _emit(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'n', annotations: { z: '1', a: '2' } }, data: { a: '1' } }, { team: 'search' });
    obj.metadata.addLabel('app', 'x');
    obj.metadata.addAnnotation('m', '3');
    const empty = _emit(chart, 'bare', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'y' } });
    empty.metadata.addAnnotation('only', 'one');
    const fast = Testing.synth(chart);
    const slow = withCdk8sSerializer(() => Testing.synth(chart));
    expect(JSON.stringify(fast)).toBe(JSON.stringify(slow));
    expect(Object.keys(fast[0].metadata.annotations)).toEqual(['a', 'm', 'z']);
  });

  test('keeps JSON patches working', () => {
    const chart = Testing.chart();
    const obj = _emit(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'ClusterIP' } });
    obj.addJsonPatch(JsonPatch.replace('/spec/type', 'NodePort'));
    expect(Testing.synth(chart)[0].spec.type).toBe('NodePort');
  });
});
