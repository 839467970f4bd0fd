import { App, Chart, JsonPatch, ResolutionContext, Testing } from 'cdk8s';
import * as path from 'path';
import { synthesizePlatform } from '../../stacks/charts';
import { loadStackConfig } from '../../stacks/config';
import { _CDK8S_DEFAULT_RESOLVERS, _emit, _useCdk8sSerializer } from '../../constructs/_api-object';

const ROOT = path.resolve(__dirname, '..', '..');

function withCdk8sSerializer<T>(fn: () => T): T {
  const was = _useCdk8sSerializer(true);
  try {
    return fn();
  } finally {
    _useCdk8sSerializer(was);
  }
}

describe('the lean ApiObject serialization', () => {
  test('relies on cdk8s\' default resolvers being the ones it knows (fails on a cdk8s version that changes them)', () => {
    expect(new App().resolvers.map((r) => r.constructor.name)).toEqual(_CDK8S_DEFAULT_RESOLVERS);
  });

  test('takes cdk8s\' path in an App with a custom resolver', () => {
    const app = new App({ resolvers: [{ resolve: (ctx: ResolutionContext) => { if (ctx.value === 'x') ctx.replaceValue('resolved'); } }] });
    const chart = new Chart(app, 'c');
    _emit(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: 'x' } });
    expect(Testing.synth(chart)[0].data).toEqual({ a: 'resolved' });
  });

  test('throws on a value it cannot render, as cdk8s does', () => {
    const chart = Testing.chart();
    class Opaque { public readonly v = 1; }
    _emit(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: new Opaque() as unknown as string } });
    expect(() => Testing.synth(chart)).toThrow(/can't render non-simple object of type 'Opaque'/);
  });

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
