/** `synth --gitops argocd`: one Argo CD Application per chart file, the platform first. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { synthCommand } from '../../cli/synth';
import { captureOutput } from '../support/capture-output';

const ROOT = path.resolve(__dirname, '..', '..');

async function synth(args: string[]): Promise<{ code: number; dir: string; out: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-'));
  const out = captureOutput();
  try {
    const code = await synthCommand(['--stack', 'dev', '--root', ROOT, '--out', path.join(dir, 'dev'), ...args]);
    return { code, dir: path.join(dir, 'dev'), out: out.captured.join('\n') };
  } finally {
    out.restore();
  }
}

test('writes an ApplicationSet with one Application per chart file, waves platform-base < platform < tenants', async () => {
  const { code, dir } = await synth(['--gitops', 'argocd', '--gitops-repo', 'https://git.example.com/p/agents.git', '--gitops-path', 'dist/dev']);
  expect(code).toBe(0);
  const charts = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();
  const [set] = yaml.loadAll(fs.readFileSync(path.join(dir, 'argocd', 'applicationset.yaml'), 'utf8')) as any[];
  expect(set).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'agent-runtime-dev', namespace: 'argocd' } });
  const elements = set.spec.generators[0].list.elements;
  expect(elements.map((e: any) => e.chart).sort()).toEqual(charts);
  expect(Object.fromEntries(elements.map((e: any) => [e.chart, e.wave]))).toEqual({ 'platform-base': '0', platform: '1', 'tenant-acme': '2', 'tenant-globex': '2' });
  const source = set.spec.template.spec.source;
  expect(source).toEqual({ repoURL: 'https://git.example.com/p/agents.git', targetRevision: 'HEAD', path: 'dist/dev', directory: { recurse: false, include: '{{.chart}}.yaml' } });
  expect(set.spec.template.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('{{.wave}}');
  expect(set.spec.strategy.rollingSync.steps.map((s: any) => s.matchExpressions[0].values)).toEqual([['0'], ['1'], ['2']]);
  expect(set.spec.template.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
});

test('without --gitops nothing but the charts is written; --gitops needs a repository and knows only argocd', async () => {
  const plain = await synth([]);
  expect(fs.existsSync(path.join(plain.dir, 'argocd'))).toBe(false);
  await expect(synth(['--gitops', 'argocd'])).rejects.toThrow('--gitops argocd needs --gitops-repo');
  await expect(synth(['--gitops', 'flux', '--gitops-repo', 'x'])).rejects.toThrow('--gitops: "flux" is not supported');
  await expect(synth(['--gitops-repo', 'x'])).rejects.toThrow('--gitops-repo needs --gitops argocd');
});
