/**
 * Nacos holds every agent's card and the gateway's routes: its authentication (server, admin API and
 * console) is on and the User-Agent bypass off, by the value Nacos will actually run with, not the
 * first mention (see model/nacos-settings.ts for the order Spring resolves them in).
 */
import { violation } from '../object-ref';
import { podSpecsOf } from '../pod-specs';
import { nacosAuthSettings, NACOS_AUTH_SWITCHES, springBoolean } from '../model/nacos-settings';
import { MANDATORY, type K8sObject, type Rule, type RuleContext, type Violation } from '../types';

const ID = 'nacos-auth-effective';

/** A shell line that sets an auth switch off (or the user-agent bypass on). */
const _SCRIPT = /(nacos\.core\.auth\.[\w.]*enabled|NACOS_AUTH_(?:[A-Z]+_)*ENABLE)\s*[=: ]\s*['"]?(false|off|no|0)\b|userAgentAuthWhite\s*[=: ]\s*['"]?(true|on|yes|1)\b|sed\b[^;|&]*auth[^;|&]*(false|off)/i;

export const nacosAuthEffective: Rule = {
  id: ID,
  description: 'Every Nacos server runs with nacos.core.auth.enabled, admin.enabled and console.enabled true and userAgentAuthWhite false by EFFECTIVE value: --args, SPRING_APPLICATION_JSON, -D flags in JAVA_OPT/JAVA_OPT_EXT (last wins), relaxed env names, mounted properties (any Java syntax) and YAML files, then NACOS_AUTH_* env vars (the last duplicate wins); no container of the pod rewrites them.',
  severity: 'critical',
  remediation: 'Set NACOS_AUTH_ENABLE, NACOS_AUTH_ADMIN_ENABLE and NACOS_AUTH_CONSOLE_ENABLE to "true" once, and set nothing that overrides them.',
  enforcement: MANDATORY,
  checkSet: (obj, ctx) => ctx.index.memo(`${ID}:findings`, () => _findings(ctx)).get(obj) ?? [],
};

function _findings(ctx: RuleContext): Map<K8sObject, Violation[]> {
  const out = new Map<K8sObject, Violation[]>();
  const add = (o: K8sObject, v: Violation): void => {
    out.set(o, [...(out.get(o) ?? []), v]);
  };
  for (const obj of ctx.index.all) {
    for (const view of podSpecsOf(obj)) {
      const containers: any[] = Array.isArray(view.spec?.containers) ? view.spec.containers : [];
      const runsNacos = containers.some((c) => typeof c?.image === 'string' && /(^|\/)nacos-server[:@]|(^|\/)nacos-server$/.test(c.image));
      if (!runsNacos || view.implicit) continue;
      containers.forEach((c, i) => {
        if (typeof c?.image !== 'string' || !/nacos-server/.test(c.image)) return;
        const settings = nacosAuthSettings(obj, view.spec, view.path, i, ctx.index);
        for (const [key, e] of settings) {
          const want = NACOS_AUTH_SWITCHES[key].want;
          const got = springBoolean(e.value);
          if (got === want) continue;
          const path = e.source.startsWith('ConfigMap/') ? (/data\["[^"]+"\]/.exec(e.source)?.[0] ?? 'data') : e.source.split(' ')[0];
          const message = e.unknown ? `${key} comes from a Secret (${e.source}); review cannot verify it is ${want}` : `effective ${key} is ${JSON.stringify(e.value)} (from ${e.source}): Nacos ${want ? 'runs with that auth off' : 'lets any client that says User-Agent: Nacos-Server in'}`;
          add(e.obj, violation(ID, e.obj, path, message, `set ${key}=${want} (env ${NACOS_AUTH_SWITCHES[key].env}: "${want}") and remove every later override`));
        }
      });
      for (const field of ['initContainers', 'containers'] as const) {
        (Array.isArray(view.spec?.[field]) ? view.spec[field] : []).forEach((c: any, i: number) => {
          const script = [...(Array.isArray(c?.command) ? c.command : []), ...(Array.isArray(c?.args) ? c.args : [])].map(String).join(' ');
          if (_SCRIPT.test(script)) add(obj, violation(ID, obj, `${view.path}.${field}[${i}].command`, `container "${c?.name}" of the Nacos pod rewrites its auth settings: ${script.slice(0, 160)}`, 'leave Nacos configuration to the env settings; copy files unchanged'));
        });
      }
    }
  }
  return out;
}
