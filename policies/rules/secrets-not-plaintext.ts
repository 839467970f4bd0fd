import { violation } from '../object-ref';
import { POD_KINDS, podSpecsOf } from '../pod-specs';
import { MANDATORY, type K8sObject, type Rule, type Violation } from '../types';

const ID = 'secrets-not-plaintext';

/** Env names that hold credentials: Nacos token and identity, DB passwords, model API keys, JWT material. */
const _SECRET_ENV = /(^|_)(TOKEN|PASSWORD|PASSWD|SECRET|SECRET_?KEY|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|IDENTITY_(KEY|VALUE)|JWKS?)$/i;
/** ConfigMap keys and header names that hold credentials. */
const _SECRET_KEY = /(password|passwd|secret|token|api[-_.]?key|access[-_.]?key|private[-_.]?key|credential|authorization|jwks)/i;

/** Credentials come only from Secret references, never as literals in env, ConfigMaps or headers. */
export const secretsNotPlaintext: Rule = {
  id: ID,
  description: 'Nacos token and identity, DB passwords, model API keys and JWT material come only from Secret references, never as literal env values, ConfigMap data or header values.',
  severity: 'critical',
  remediation: 'Move the value into a Secret and reference it with env[].valueFrom.secretKeyRef (or headersFrom[].valueFrom); remove it from the ConfigMap.',
  enforcement: MANDATORY,
  kinds: [...POD_KINDS, 'ConfigMap', 'RemoteMCPServer'],
  check: (obj) => {
    const out: Violation[] = [];
    if (obj.kind === 'ConfigMap') {
      for (const field of ['data', 'binaryData'] as const) {
        for (const [key, value] of Object.entries(obj[field] ?? {})) {
          if (_SECRET_KEY.test(key) && typeof value === 'string' && value.trim() !== '') {
            out.push(violation(ID, obj, `${field}["${key}"]`, `ConfigMap key "${key}" looks like a credential`, 'store it in a Secret and mount or reference the Secret instead'));
          }
        }
      }
      return out;
    }
    for (const pod of podSpecsOf(obj)) {
      for (const c of pod.containers) {
        const env = c.container.env;
        if (!Array.isArray(env)) continue;
        env.forEach((e: any, i: number) => {
          if (typeof e?.name === 'string' && _SECRET_ENV.test(e.name) && typeof e.value === 'string' && e.value !== '') {
            out.push(violation(ID, obj, `${c.path}.env[${i}].value`, `env ${e.name} holds a literal credential`,
              `replace value with valueFrom.secretKeyRef: {name: <secret>, key: <key>} for ${e.name}`));
          }
        });
      }
    }
    _checkHeaders(obj, out);
    return out;
  },
};

/** kagent tool and RemoteMCPServer `headersFrom[]` with a literal credential value. */
function _checkHeaders(obj: K8sObject, out: Violation[]): void {
  const lists: [string, unknown][] = obj.kind === 'RemoteMCPServer'
    ? [['spec.headersFrom', obj.spec?.headersFrom]]
    : (Array.isArray(obj.spec?.declarative?.tools) ? obj.spec.declarative.tools : []).map((t: any, i: number) => [`spec.declarative.tools[${i}].headersFrom`, t?.headersFrom]);
  for (const [path, list] of lists) {
    if (!Array.isArray(list)) continue;
    list.forEach((h: any, i: number) => {
      if (typeof h?.name === 'string' && _SECRET_KEY.test(h.name) && typeof h.value === 'string' && h.value !== '') {
        out.push(violation(ID, obj, `${path}[${i}].value`, `header ${h.name} holds a literal credential`, 'use valueFrom: {type: Secret, name: <secret>, key: <key>}'));
      }
    });
  }
}
