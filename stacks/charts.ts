/**
 * Configuration -> cdk8s charts -> plain objects. Each chart is built in an App of its own:
 * cdk8s slows down past linear when one App holds many charts, so tenants pass plain data
 * (the agent directory) instead of construct references. Pure: no Pulumi import.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { AgentDirectory } from '../constructs/agent-directory';
import { ConstructError, problemAt, PropPath, validationProblems } from '../constructs/errors';
import { AgentRuntimePlatform } from '../constructs/agent-runtime-platform';
import { PlatformMonitoring } from '../constructs/observability/platform-monitoring';
import { TokenAccounting } from '../constructs/observability/token-accounting';
import { ConfigError, type PlatformConfig } from './config';
import { configKey } from './config-validation';
import { BuiltTenant, buildTenantChart, tenantValidationErrors } from './tenant-charts';

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

/** Every chart of an environment, constructed and validated but not yet serialized. */
export interface BuiltPlatform {
  readonly platform: AgentRuntimePlatform;
  readonly platformChart: Chart;
  readonly tenantCharts: Chart[];
  readonly directory: AgentDirectory;
  /** Helm values for the Higress chart (tracing, Istio API). */
  readonly higressValues: Record<string, unknown>;
}

/**
 * Constructs every chart and validates all of them (every failure reported together), so
 * that bad input fails before anything is serialized or written.
 */
export function buildPlatform(config: PlatformConfig): BuiltPlatform {
  const { platform, platformChart } = constructPlatform(config);
  // Construct every tenant before synthesizing any, so the directory knows every call.
  const directory = new AgentDirectory();
  const built = config.tenants.map((t, i) => {
    const tenantChart = _chart(`tenant-${t.name}`);
    return { tenantChart, built: buildTenantChart(tenantChart, t, platform.facts, directory, i, config.problems) };
  });
  const tenantCharts = built.map((b) => b.tenantChart);
  const higressValues = completePlatform(config, platform, platformChart, tenantCharts.map((c) => tenantRoutes(c)), tenantErrors(built.map((b) => ({ built: b.built, all: b.tenantChart.node.findAll() }))));
  return { platform, platformChart, tenantCharts, directory, higressValues };
}

/** The platform chart with what does not depend on tenants (its facts are what tenant charts are built with). */
export function constructPlatform(config: PlatformConfig): { platform: AgentRuntimePlatform; platformChart: Chart } {
  const platformChart = _chart('platform');
  return { platform: inPlatformConfig(() => new AgentRuntimePlatform(platformChart, 'platform', config.platform)), platformChart };
}

/**
 * Adds the platform chart's tenant-dependent parts once every tenant is constructed (`routes`: each
 * tenant's Ingresses, see {@link tenantRoutes}), validates it, and throws the platform's and the
 * tenants' validation errors (`tenantErrors`, see {@link chartErrors}) together. Returns the Higress Helm values.
 */
export function completePlatform(
  config: PlatformConfig, platform: AgentRuntimePlatform, platformChart: Chart, routes: string[][], tenantErrors: string[],
): Record<string, unknown> {
  const errors: string[] = [];
  try {
    inPlatformConfig(() => addPlatformWideParts(platformChart, platform, config, routes));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    errors.push(...e.message.split('\n'));
  }
  errors.push(...platformValidationErrors(platformChart), ...tenantErrors);
  if (errors.length) throw new ConfigError([...new Set(errors)].join('\n'));
  // Circuit breakers are Istio DestinationRules, which Higress reads only with its Istio API on.
  return {
    ...platform.higress.helmValues,
    global: { ...(platform.higress.helmValues.global as object | undefined), enableIstioAPI: config.platform.gateway.istioApi === true },
  };
}

/**
 * The validation errors of every construct of a chart, `[path] message`, as cdk8s' synth reports
 * them (a construct's `node.validate()` checks that construct alone). `all`: the chart's constructs
 * (`chart.node.findAll()`), when the caller has them already, as here and in the next two.
 */
export function chartErrors(chart: Chart, all: IConstruct[] = chart.node.findAll()): string[] {
  const errors: string[] = [];
  for (const c of all) for (const e of c.node.validate()) errors.push(`[${c.node.path}] ${e}`);
  return errors;
}

/** A tenant chart's gateway routes, `namespace/name` of each Ingress (rate-limit tiers and token accounting select them). */
export function tenantRoutes(chart: Chart, all: IConstruct[] = chart.node.findAll()): string[] {
  return all
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && c.kind === 'Ingress')
    .map((o) => `${o.metadata.namespace}/${o.name}`);
}

/** The platform chart's objects as the two charts deployed apart: base kinds first. */
export function splitPlatformChart(objects: any[]): SynthesizedChart[] {
  // Namespaces and cluster-wide classes go first: third-party charts install into them,
  // and the rest of the platform needs those charts' CRDs.
  const isBase = (o: any) => BASE_KINDS.has(o.kind);
  return [
    { name: 'platform-base', objects: objects.filter(isBase), dependsOn: [] },
    { name: 'platform', objects: objects.filter((o) => !isBase(o)), dependsOn: ['platform-base'] },
  ];
}

/** Builds every chart of an environment. Throws on invalid input before anything is written. */
export function synthesizePlatform(config: PlatformConfig): SynthesizedPlatform {
  const built = buildPlatform(config);
  const charts: SynthesizedChart[] = [
    ...splitPlatformChart(_synth(built.platformChart)),
    ...built.tenantCharts.map((c) => ({ name: c.node.id, objects: _synth(c), dependsOn: ['platform'] })),
  ];
  return { charts, higressValues: built.higressValues };
}

/**
 * Parts of the platform chart that depend on the tenants: cluster-wide limits on each tier's
 * routes, token accounting, and monitoring of every tenant's agents.
 */
function addPlatformWideParts(chart: Chart, platform: AgentRuntimePlatform, config: PlatformConfig, routes: string[][]): void {
  const tierRoutes: Record<string, string[]> = {};
  config.tenants.forEach((t, i) => (tierRoutes[t.rateLimitTier ?? 'standard'] ??= []).push(...routes[i]));
  platform.higress.limitTierRoutes(tierRoutes);
  const tokenLimits = config.tokenLimits;
  if (Object.keys(tokenLimits).length > 0) {
    inPlatformConfig(() => new TokenAccounting(chart, 'token-accounting', {
      redis: config.platform.gateway.redis,
      tiers: Object.fromEntries(Object.entries(tokenLimits).map(([tier, limit]) => [tier, { ...limit, routes: tierRoutes[tier] ?? [] }])),
    }), 'tokenAccounting');
  }
  const { enable, ...monitoring } = config.monitoring;
  // Everything switched off means no monitoring objects at all.
  if (!enable || Object.values(enable).some((on) => on !== false)) {
    inPlatformConfig(() => new PlatformMonitoring(chart, 'monitoring', {
      prometheus: config.platform.prometheus,
      ...monitoring,
      enable,
      registry: platform.nacos,
      agents: { tenants: config.tenants.map((t) => t.name) },
    }), 'monitoring');
  }
}

/**
 * Where the props of the platform-wide constructs come from: the platform's props are the
 * top-level keys (`nacos.replicas`); TokenAccounting's `tiers` are `tokenLimits` and its `redis`
 * is `gateway.redis`; PlatformMonitoring's are under `monitoring`.
 */
const PLATFORM_KEYS: Record<string, (p: PropPath) => PropPath> = {
  platform: (p) => p,
  tokenAccounting: ([head, ...rest]) => (head === 'tiers' ? ['tokenLimits', ...rest] : head === 'redis' ? ['gateway', 'redis', ...rest] : ['tokenLimits', head, ...rest]),
  monitoring: (p) => ['monitoring', ...p],
};

/**
 * Runs `build` (a construct of the platform chart, `props` naming where its props come from),
 * naming its problems by their config keys. A construct that throws a plain error names its
 * prop first (`nacos.replicas: ...`), relative to the top-level keys, as the platform's own do.
 */
function inPlatformConfig<T>(build: () => T, props: keyof typeof PLATFORM_KEYS = 'platform'): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    if (ConstructError.isConstructError(e)) {
      throw new ConfigError(e.problems.map((p) => problemAt(configKey(PLATFORM_KEYS[props](p.propPath)), p)).join('\n'));
    }
    const prefix = props === 'monitoring' ? 'monitoring.' : '';
    throw new ConfigError(`agent-runtime:${prefix}${(e as Error).message}`);
  }
}

/** The synth-time problems of the platform chart's constructs, under their config keys. */
function platformValidationErrors(chart: Chart): string[] {
  const errors: string[] = [];
  for (const c of chart.node.findAll()) {
    const data = validationProblems(c);
    if (data) errors.push(...data.map((p) => problemAt(configKey([...p.propPath]), p)));
    else errors.push(...c.node.validate().map((m) => `[${c.node.path}] ${m}`));
  }
  return errors;
}

/**
 * Every tenant's problems: those refused while constructing; then, only when none was refused
 * (a refused item would fail its callers' checks too), those found at synth time.
 */
export function tenantErrors(tenants: { built: BuiltTenant; all: IConstruct[] }[]): string[] {
  const eager = tenants.flatMap((t) => t.built.errors);
  return eager.length ? eager : tenants.flatMap((t) => tenantValidationErrors(t.built, t.all));
}

const BASE_KINDS = new Set(['Namespace', 'PriorityClass', 'RuntimeClass']);

/** A chart in an App of its own, with stable (hash-free) object names. */
export function _chart(name: string): Chart {
  return new Chart(new App(), name, { disableResourceNameHashes: true });
}

/**
 * Serializes one chart, validated before (by {@link buildPlatform} or the synth threads). cdk8s'
 * `toJson` validates the whole App again and orders objects by a dependency graph of every construct;
 * our constructs declare no dependencies and no nested charts, and a graph without edges keeps
 * construction order, so the objects are serialized in that order directly (same output).
 */
export function _synth(chart: Chart, all: IConstruct[] = chart.node.findAll()): any[] {
  if (all.some((c) => c.node.dependencies.length > 0 || (c !== chart && Chart.isChart(c)))) return chart.toJson();
  const objects: any[] = [];
  for (const c of all) if (ApiObject.isApiObject(c)) objects.push(c.toJson());
  return objects;
}
