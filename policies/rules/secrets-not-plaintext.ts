import { violation } from '../object-ref';
import { podSpecsOf } from '../pod-specs';
import { MANDATORY, type K8sObject, type Rule, type Violation } from '../types';

const ID = 'secrets-not-plaintext';

/** Env names that hold credentials: Nacos token and identity, DB passwords, model API keys (`OPENAI_KEY`), JWT material. */
const _SECRET_ENV = /(^|_)(TOKEN|PASSWORD|PASSWD|SECRET|SECRET_?KEY|API_?KEY|KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|IDENTITY_(KEY|VALUE)|JWKS?)$/i;
/** Values that are credentials whatever their name: provider key formats, bearer tokens, private keys. */
const _SECRET_VALUE = /(\bsk-[A-Za-z0-9_-]{16,}|\bsk-ant-[A-Za-z0-9_-]{16,}|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{30,}|\bxox[abpr]-[A-Za-z0-9-]{10,}|\bAIza[0-9A-Za-z_-]{35}|-----BEGIN [A-Z ]*PRIVATE KEY-----|\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{12,}|\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.)/;
/**
 * Command-line flags that carry a credential: `--openai-api-key=...`, `--password ...`, `--client-secret ...`.
 * A flag naming where the credential is (`--issuer-key-secret <Secret name>`, `--token-file`) does not match.
 */
const _SECRET_FLAG = /^--?[a-z0-9-]*(password|passwd|client-secret|secret-key|token|api-?key|access-?key|private-?key|credential)s?(=(.+))?$/i;
/** ConfigMap keys and header names that hold credentials. */
const _SECRET_KEY = /(password|passwd|secret|token|api[-_.]?key|access[-_.]?key|private[-_.]?key|credential|authorization|jwks)/i;

/** Credentials come only from Secret references, never as literals in env, ConfigMaps or headers. */
export const secretsNotPlaintext: Rule = {
  id: ID,
  description: 'Nacos token and identity, DB passwords, model API keys and JWT material come only from Secret references, never as literal env values, ConfigMap data or header values.',
  severity: 'critical',
  remediation: 'Move the value into a Secret and reference it with env[].valueFrom.secretKeyRef (or headersFrom[].valueFrom); remove it from the ConfigMap.',
  enforcement: MANDATORY,
  check: (obj) => {
    const out: Violation[] = [];
    if (obj.kind === 'Secret') return _checkSecret(obj);
    if (obj.kind === 'ConfigMap') {
      for (const field of ['data', 'binaryData'] as const) {
        for (const [key, value] of Object.entries(obj[field] ?? {})) {
          if (typeof value !== 'string' || value.trim() === '') continue;
          if (_SECRET_KEY.test(key)) {
            out.push(violation(ID, obj, `${field}["${key}"]`, `ConfigMap key "${key}" looks like a credential`, 'store it in a Secret and mount or reference the Secret instead'));
          } else if (field === 'data' && _SECRET_VALUE.test(value)) {
            out.push(violation(ID, obj, `${field}["${key}"]`, `ConfigMap value of "${key}" contains a credential (${_redact(value)})`, 'store it in a Secret and mount or reference the Secret instead'));
          }
        }
      }
      return out;
    }
    for (const pod of podSpecsOf(obj)) {
      for (const c of pod.containers) {
        const env = c.container.env;
        if (Array.isArray(env)) {
          env.forEach((e: any, i: number) => {
            if (typeof e?.value !== 'string' || e.value === '') return;
            if ((typeof e?.name === 'string' && _SECRET_ENV.test(e.name)) || _SECRET_VALUE.test(e.value)) {
              out.push(violation(ID, obj, `${c.path}.env[${i}].value`, `env ${e?.name} holds a literal credential`,
                `replace value with valueFrom.secretKeyRef: {name: <secret>, key: <key>} for ${e?.name}`));
            }
          });
        }
        for (const field of ['command', 'args'] as const) _checkArgs(obj, c.container[field], `${c.path}.${field}`, out);
      }
    }
    _checkHeaders(obj, out);
    return out;
  },
};

/** Manifests are not encrypted: a Secret with values in them leaks through Git, CI logs and `kubectl get -o yaml`. */
function _checkSecret(obj: K8sObject): Violation[] {
  const out: Violation[] = [];
  for (const field of ['stringData', 'data'] as const) {
    const values = obj[field];
    if (values && typeof values === 'object' && Object.values(values).some((v) => v !== '' && v !== null)) {
      out.push(violation(ID, obj, field, `Secret carries literal values in ${field} (base64 is not encryption)`,
        'create the Secret out of band (external-secrets, sealed-secrets, pulumi config --secret) and reference it by name'));
    }
  }
  return out;
}

/** Credentials on a command line are visible in the pod spec and in `ps`. */
function _checkArgs(obj: K8sObject, list: unknown, path: string, out: Violation[]): void {
  if (!Array.isArray(list)) return;
  list.forEach((a: unknown, i: number) => {
    if (typeof a !== 'string') return;
    const flag = _SECRET_FLAG.exec(a);
    const next = list[i + 1];
    const literal = flag ? (flag[3] !== undefined ? !/^\$\(?[A-Z_][A-Z0-9_]*\)?$/.test(flag[3]) : typeof next === 'string' && !next.startsWith('-') && !/^\$\(?[A-Z_][A-Z0-9_]*\)?$/.test(next)) : false;
    if (literal || _SECRET_VALUE.test(a)) {
      out.push(violation(ID, obj, `${path}[${i}]`, `argument holds a literal credential (${_redact(a)})`, 'pass it through an env var from secretKeyRef, e.g. --api-key=$(OPENAI_API_KEY)'));
    }
  });
}

/** A value shortened for a report: never print the credential itself. */
function _redact(v: string): string {
  return `${v.slice(0, 6)}… (${v.length} characters)`;
}

/** kagent tool, RemoteMCPServer `headersFrom[]` and ModelConfig `defaultHeaders` with a literal credential value. */
function _checkHeaders(obj: K8sObject, out: Violation[]): void {
  if (obj.kind === 'ModelConfig') {
    for (const [name, value] of Object.entries(obj.spec?.defaultHeaders ?? {})) {
      if (typeof value === 'string' && value !== '' && (_SECRET_KEY.test(name) || _SECRET_VALUE.test(value))) {
        out.push(violation(ID, obj, `spec.defaultHeaders["${name}"]`, `header ${name} holds a literal credential`, 'use apiKeySecret/apiKeySecretKey, or a header from a Secret'));
      }
    }
    return;
  }
  const lists: [string, unknown][] = obj.kind === 'RemoteMCPServer'
    ? [['spec.headersFrom', obj.spec?.headersFrom]]
    : (Array.isArray(obj.spec?.declarative?.tools) ? obj.spec.declarative.tools : []).map((t: any, i: number) => [`spec.declarative.tools[${i}].headersFrom`, t?.headersFrom]);
  for (const [path, list] of lists) {
    if (!Array.isArray(list)) continue;
    list.forEach((h: any, i: number) => {
      if (typeof h?.value === 'string' && h.value !== '' && ((typeof h?.name === 'string' && _SECRET_KEY.test(h.name)) || _SECRET_VALUE.test(h.value))) {
        out.push(violation(ID, obj, `${path}[${i}].value`, `header ${h.name} holds a literal credential`, 'use valueFrom: {type: Secret, name: <secret>, key: <key>}'));
      }
    });
  }
}
