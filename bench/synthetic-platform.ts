/** A synthetic environment of N tenants x 10 agents, built on the dev configuration. */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { PlatformConfig, readPlatformConfig } from '../stacks/config';

const ROOT = path.resolve(__dirname, '..');

/** The values of `Pulumi.<env>.yaml` without the `agent-runtime:` prefix. */
export function stackValues(env: string): Record<string, any> {
  const doc = yaml.load(fs.readFileSync(path.join(ROOT, `Pulumi.${env}.yaml`), 'utf8')) as any;
  return Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k.replace(/^agent-runtime:/, ''), v]));
}

/** N tenants, each with `agents` bring-your-own agents; every agent calls its predecessor. */
export function syntheticConfig(tenants: number, agents = 10): PlatformConfig {
  const values = stackValues('dev');
  // The dev configuration has no JWKS (dev signs with throwaway keys), which only the dev profile allows.
  values.policyProfile ??= 'dev';
  values.tenants = Array.from({ length: tenants }, (_, t) => ({
    name: `tenant-${t}`,
    rateLimitTier: 'standard',
    quota: { requestsCpu: '64', requestsMemory: '128Gi', limitsCpu: '128', limitsMemory: '256Gi', pods: 500 },
    agents: Array.from({ length: agents }, (_, a) => ({
      name: `agent-${a}`,
      version: '1.0.0',
      byo: { image: `ghcr.io/bench/agent-${a}:1.0.0` },
      scaling: { minReplicas: 1, maxReplicas: 2 },
      resources: { cpu: '100m', memory: '128Mi' },
      skills: [{ id: 'work', name: 'Work', description: 'Does the work', tags: ['bench'] }],
      calls: a > 0 ? [`tenant-${t}/agent-${a - 1}#work`] : [],
    })),
  }));
  // A load test of synth, not a protected environment (which would name its API server and pin digests).
  return readPlatformConfig('bench', { policyProfile: 'dev', ...values });
}
