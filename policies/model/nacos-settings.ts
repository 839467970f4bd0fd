/**
 * The EFFECTIVE Nacos auth settings of a Nacos container, resolved as Spring Boot resolves them in
 * the nacos-server image (highest first): `--key=value` command-line arguments; SPRING_APPLICATION_JSON;
 * `-Dkey=value` system properties (JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS, JAVA_OPT, then JAVA_OPT_EXT,
 * which the image appends last, so its flags win); environment variables in relaxed form
 * (NACOS_CORE_AUTH_ENABLED); mounted properties/YAML files; and finally the image's
 * application.properties, whose `${NACOS_AUTH_ENABLE:false}` placeholders read the environment.
 * Environment variables are resolved as the kubelet does: `env` over `envFrom`, the last duplicate wins,
 * ConfigMap references resolved from the set.
 */
import * as yaml from 'js-yaml';
import { parseJavaProperties } from '../java-properties';
import type { ObjectIndex } from '../object-index';
import type { K8sObject } from '../types';

/** A setting's effective value and where it comes from (a field path of the workload, or a ConfigMap). */
export interface Effective {
  readonly value: string | undefined;
  /** `undefined` value with `unknown` set: it comes from a Secret the review cannot read. */
  readonly unknown?: boolean;
  readonly source: string;
  readonly obj: K8sObject;
}

/** The auth switches and the placeholder env var the image's application.properties reads for each (with its default). */
export const NACOS_AUTH_SWITCHES: Readonly<Record<string, { env: string; default: string; want: boolean }>> = {
  'nacos.core.auth.enabled': { env: 'NACOS_AUTH_ENABLE', default: 'false', want: true },
  'nacos.core.auth.admin.enabled': { env: 'NACOS_AUTH_ADMIN_ENABLE', default: 'true', want: true },
  'nacos.core.auth.console.enabled': { env: 'NACOS_AUTH_CONSOLE_ENABLE', default: 'true', want: true },
  'nacos.core.auth.enable.userAgentAuthWhite': { env: 'NACOS_AUTH_USER_AGENT_AUTH_WHITE_ENABLE', default: 'false', want: false },
};

/** Spring's boolean conversion (StringToBooleanConverter); anything else is not a boolean. */
export function springBoolean(v: string | undefined): boolean | undefined {
  const s = v?.trim().toLowerCase();
  if (s === undefined || s === '') return undefined;
  if (['true', 'on', 'yes', '1'].includes(s)) return true;
  if (['false', 'off', 'no', '0'].includes(s)) return false;
  return undefined;
}

type EnvValue = { value?: string; unknown?: boolean; source: string; obj: K8sObject };

/** The container's environment as the kubelet builds it. */
export function effectiveEnv(obj: K8sObject, containerPath: string, container: any, index: ObjectIndex): Map<string, EnvValue> {
  const ns = obj.metadata?.namespace ?? 'default';
  const env = new Map<string, EnvValue>();
  (Array.isArray(container?.envFrom) ? container.envFrom : []).forEach((from: any, i: number) => {
    const cm = from?.configMapRef?.name ? index.get('ConfigMap', ns, from.configMapRef.name) : undefined;
    if (cm) for (const [k, v] of Object.entries(cm.data ?? {})) env.set(`${from.prefix ?? ''}${k}`, { value: String(v), source: `ConfigMap/${ns}/${cm.metadata?.name} data.${k} (envFrom[${i}])`, obj: cm });
  });
  (Array.isArray(container?.env) ? container.env : []).forEach((e: any, i: number) => {
    if (typeof e?.name !== 'string') return;
    const at = `${containerPath}.env[${i}]`;
    if (e.valueFrom?.configMapKeyRef) {
      const cm = index.get('ConfigMap', ns, e.valueFrom.configMapKeyRef.name);
      const v = cm?.data?.[e.valueFrom.configMapKeyRef.key];
      env.set(e.name, v === undefined ? { unknown: true, source: at, obj } : { value: String(v), source: `${at} (ConfigMap/${ns}/${cm?.metadata?.name})`, obj });
    } else if (e.valueFrom) {
      env.set(e.name, { unknown: true, source: at, obj });
    } else {
      env.set(e.name, { value: e.value === undefined || e.value === null ? '' : String(e.value), source: `${at}.value`, obj });
    }
  });
  return env;
}

/** Every effective auth switch of one Nacos container. */
export function nacosAuthSettings(obj: K8sObject, podSpec: any, podPath: string, containerIndex: number, index: ObjectIndex): Map<string, Effective> {
  const containerPath = `${podPath}.containers[${containerIndex}]`;
  const container = podSpec.containers[containerIndex];
  const env = effectiveEnv(obj, containerPath, container, index);
  const sources: { props: Map<string, string>; source: string; obj: K8sObject }[] = [];
  // Highest first: command-line args, SPRING_APPLICATION_JSON, -D flags (last wins), relaxed env, files.
  const words = [...(Array.isArray(container?.command) ? container.command : []), ...(Array.isArray(container?.args) ? container.args : [])].map(String);
  const argProps = new Map<string, string>();
  for (const w of [...words.flatMap((x) => x.split(/\s+/)), ...['JAVA_OPT', 'JAVA_OPT_EXT'].flatMap((n) => (env.get(n)?.value ?? '').split(/\s+/))]) {
    const m = /^--([\w.-]+)=(.*)$/.exec(w);
    if (m) argProps.set(m[1], m[2]);
  }
  sources.push({ props: argProps, source: `${containerPath} arguments (--key=value)`, obj });
  const json = env.get('SPRING_APPLICATION_JSON');
  if (json?.value) {
    try {
      sources.push({ props: _flatten(JSON.parse(json.value)), source: json.source, obj: json.obj });
    } catch {
      // Spring refuses to start on bad JSON: no setting comes from it.
    }
  }
  const dflags = new Map<string, string>();
  const dsource = new Map<string, string>();
  for (const name of ['JAVA_TOOL_OPTIONS', 'JDK_JAVA_OPTIONS', 'JAVA_OPT', 'JAVA_OPT_EXT']) {
    const v = env.get(name);
    for (const w of (v?.value ?? '').split(/\s+/)) {
      const m = /^-D([^=]+)=(.*)$/.exec(w.replace(/^["']|["']$/g, ''));
      if (m) {
        dflags.set(m[1], m[2]);
        dsource.set(m[1], v!.source);
      }
    }
  }
  for (const w of words) {
    const m = /^-D([^=]+)=(.*)$/.exec(w);
    if (m) {
      dflags.set(m[1], m[2]);
      dsource.set(m[1], `${containerPath} command/args`);
    }
  }
  const out = new Map<string, Effective>();
  const files = _mountedFiles(obj, podSpec, podPath, container, index);
  for (const [key, sw] of Object.entries(NACOS_AUTH_SWITCHES)) {
    const fromArgs = argProps.get(key);
    if (fromArgs !== undefined) {
      out.set(key, { value: fromArgs, source: `${containerPath} --${key}`, obj });
      continue;
    }
    const jsonSrc = sources.find((s) => s.source !== `${containerPath} arguments (--key=value)` && s.props.has(key));
    if (jsonSrc) {
      out.set(key, { value: jsonSrc.props.get(key), source: jsonSrc.source, obj: jsonSrc.obj });
      continue;
    }
    if (dflags.has(key)) {
      out.set(key, { value: dflags.get(key), source: `${dsource.get(key)} (-D${key})`, obj });
      continue;
    }
    const relaxed = env.get(key.toUpperCase().replace(/[.-]/g, '_'));
    if (relaxed) {
      out.set(key, { value: relaxed.value, unknown: relaxed.unknown, source: relaxed.source, obj: relaxed.obj });
      continue;
    }
    const file = [...files].reverse().find((f) => f.props.has(key));
    if (file) {
      const raw = file.props.get(key)!;
      const ph = /^\$\{([^:}]+)(?::([^}]*))?\}$/.exec(raw.trim());
      if (!ph) {
        out.set(key, { value: raw, source: file.source, obj: file.obj });
        continue;
      }
      const e = dflags.get(ph[1]) !== undefined ? { value: dflags.get(ph[1]), source: dsource.get(ph[1])!, obj } : env.get(ph[1]);
      out.set(key, e ? { value: e.value, unknown: (e as EnvValue).unknown, source: e.source, obj: (e as EnvValue).obj ?? obj } : { value: ph[2], source: `${file.source} (default of \${${ph[1]}})`, obj: file.obj });
      continue;
    }
    // The image's own application.properties: `key=${ENV:default}`, the placeholder read from -D flags, then the environment.
    const e = dflags.get(sw.env) !== undefined ? { value: dflags.get(sw.env), source: dsource.get(sw.env)!, obj } : env.get(sw.env);
    out.set(key, e ? { value: e.value, unknown: (e as EnvValue).unknown, source: e.source, obj: (e as EnvValue).obj ?? obj } : { value: sw.default, source: `${containerPath}.env (no ${sw.env}: the image's default ${sw.default})`, obj });
  }
  return out;
}

/** Properties and YAML files the container mounts from ConfigMaps of the set (later mounts last). */
function _mountedFiles(obj: K8sObject, podSpec: any, podPath: string, container: any, index: ObjectIndex): { props: Map<string, string>; source: string; obj: K8sObject }[] {
  const ns = obj.metadata?.namespace ?? 'default';
  const volumes = new Map<string, any>((Array.isArray(podSpec.volumes) ? podSpec.volumes : []).map((v: any) => [v?.name, v]));
  const out: { props: Map<string, string>; source: string; obj: K8sObject }[] = [];
  for (const m of Array.isArray(container?.volumeMounts) ? container.volumeMounts : []) {
    const v = volumes.get(m?.name);
    const refs = [v?.configMap, ...(Array.isArray(v?.projected?.sources) ? v.projected.sources.map((s: any) => s?.configMap) : [])].filter(Boolean);
    for (const ref of refs) {
      const cm = index.get('ConfigMap', ns, ref.name);
      if (!cm) continue;
      const items: any[] = Array.isArray(ref.items) && ref.items.length ? ref.items : Object.keys(cm.data ?? {}).map((k) => ({ key: k, path: k }));
      for (const it of items) {
        const text = cm.data?.[it.key];
        const file = m.subPath ? String(m.mountPath) : `${m.mountPath}/${it.path ?? it.key}`;
        if (typeof text !== 'string' || (m.subPath && m.subPath !== (it.path ?? it.key))) continue;
        const props = /\.ya?ml$/i.test(file) ? _yamlProps(text) : /\.properties$/i.test(file) ? parseJavaProperties(text) : undefined;
        if (props) out.push({ props, source: `ConfigMap/${ns}/${cm.metadata?.name} data["${it.key}"] (mounted at ${file})`, obj: cm });
      }
    }
  }
  void podPath;
  return out;
}

function _yamlProps(text: string): Map<string, string> {
  try {
    return _flatten(yaml.load(text));
  } catch {
    return new Map();
  }
}

/** Nested keys flattened to Spring's dotted names. */
function _flatten(v: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) _flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, String(v));
  }
  return out;
}
