/**
 * `synth --gitops argocd`: an Argo CD ApplicationSet next to the synthesized files, one Application
 * per chart file (`directory.include` of that one file), so a tenant's change syncs that tenant's
 * Application only. Order: platform-base, then platform, then tenants, twice over: each Application
 * carries its `argocd.argoproj.io/sync-wave` (honoured when a parent Application syncs the
 * ApplicationSet, app of apps), and the ApplicationSet's RollingSync strategy steps through the same
 * waves (Argo CD's progressive syncs; the ApplicationSet controller needs them enabled). Argo CD
 * rather than Flux: a Flux Kustomization builds a whole folder, so one per tenant would need a folder
 * per tenant, while Argo CD's directory source selects one file of the flat layout synth writes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeYamlFile } from './yaml-emitter';

/** Where the Applications find the synthesized files. */
export interface ArgoCdSource {
  readonly repoURL: string;
  readonly targetRevision: string;
  /** The synth output folder, relative to the repository root. */
  readonly path: string;
  /** Namespace of Argo CD itself. */
  readonly argocdNamespace: string;
  /** Argo CD project of the Applications. */
  readonly project: string;
}

/** The folder (under the synth output) and file of the ApplicationSet; not a chart, so `kubectl apply -f <out>` skips it. */
export const ARGOCD_FILE = path.join('argocd', 'applicationset.yaml');

/** The sync wave of a chart: platform-base 0, platform 1, tenants 2. */
export function syncWave(chart: string): number {
  return chart === 'platform-base' ? 0 : chart === 'platform' ? 1 : 2;
}

/** The ApplicationSet of an environment's charts. */
export function applicationSet(env: string, charts: readonly string[], source: ArgoCdSource): Record<string, unknown> {
  const waves = [...new Set(charts.map(syncWave))].sort();
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: `agent-runtime-${env}`, namespace: source.argocdNamespace, labels: { 'app.kubernetes.io/managed-by': 'agent-runtime' } },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ list: { elements: charts.map((c) => ({ chart: c, wave: String(syncWave(c)) })) } }],
      strategy: {
        type: 'RollingSync',
        rollingSync: { steps: waves.map((w) => ({ matchExpressions: [{ key: 'agentruntime.io/sync-wave', operator: 'In', values: [String(w)] }] })) },
      },
      template: {
        metadata: {
          name: `${env}-{{.chart}}`,
          labels: { 'agentruntime.io/sync-wave': '{{.wave}}', 'agentruntime.io/environment': env },
          annotations: { 'argocd.argoproj.io/sync-wave': '{{.wave}}' },
        },
        spec: {
          project: source.project,
          source: { repoURL: source.repoURL, targetRevision: source.targetRevision, path: source.path, directory: { recurse: false, include: '{{.chart}}.yaml' } },
          destination: { server: 'https://kubernetes.default.svc' },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            // Server-side apply: the namespace's default ServiceAccount is patched, never replaced.
            syncOptions: ['ServerSideApply=true', 'CreateNamespace=false'],
          },
        },
      },
    },
  };
}

/** Writes the ApplicationSet into the (staged) synth output. */
export function writeApplicationSet(dir: string, env: string, charts: readonly string[], source: ArgoCdSource): void {
  fs.mkdirSync(path.join(dir, path.dirname(ARGOCD_FILE)), { recursive: true });
  writeYamlFile(path.join(dir, ARGOCD_FILE), [applicationSet(env, charts, source)]);
}
