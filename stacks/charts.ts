/**
 * Configuration -> cdk8s charts -> plain objects. Each chart is built in an App of its own:
 * cdk8s slows down past linear when one App holds many charts, so tenants pass plain data
 * (the agent directory) instead of construct references. Pure: no Pulumi import.
 */
import { App, Chart } from 'cdk8s';
import { AgentRuntimePlatform } from '../constructs/agent-runtime-platform';
import type { PlatformConfig } from './config';

/** One synthesized chart: its name (file name and Pulumi release name) and its objects. */
export interface SynthesizedChart {
  readonly name: string;
  readonly objects: any[];
  /** Charts that must be deployed first. */
  readonly dependsOn: string[];
}

/** Everything `synth` produces for one environment. */
export interface SynthesizedPlatform {
  readonly charts: SynthesizedChart[];
  /** Helm values for the Higress chart (tracing). */
  readonly higressValues: Record<string, unknown>;
}

/** Builds every chart of an environment. Throws on invalid input before anything is written. */
export function synthesizePlatform(config: PlatformConfig): SynthesizedPlatform {
  const app = new App();
  const chart = new Chart(app, 'platform', { disableResourceNameHashes: true });
  const platform = new AgentRuntimePlatform(chart, 'platform', config.platform);
  const charts: SynthesizedChart[] = [{ name: 'platform', objects: _synth(app, chart), dependsOn: [] }];
  return { charts, higressValues: platform.higress.helmValues };
}

/** Validates and serializes one chart (its own App, so the cost stays linear). */
export function _synth(app: App, chart: Chart): any[] {
  const errors = chart.node.validate();
  if (errors.length) throw new Error(errors.map((e) => e.message).join('\n'));
  return chart.toJson();
}
