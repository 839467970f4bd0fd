import { violation } from '../object-ref';
import { ADVISORY, type Rule } from '../types';

/** No deprecated API versions (agent-sandbox v1alpha1, kagent v1alpha1, beta Kubernetes APIs). */
export const noDeprecatedApis: Rule = {
  id: 'no-deprecated-apis',
  description: 'Objects use served, non-deprecated API versions (config deprecatedApis lists apiVersion or "apiVersion Kind" and the replacement).',
  severity: 'low',
  remediation: 'Move to the replacement apiVersion listed in the message.',
  enforcement: ADVISORY,
  configKeys: ['deprecatedApis'],
  check: (obj, ctx) => {
    const api = obj.apiVersion ?? '';
    const replacement = ctx.config.deprecatedApis[`${api} ${obj.kind}`] ?? ctx.config.deprecatedApis[api];
    return replacement === undefined ? [] : [violation('no-deprecated-apis', obj, 'apiVersion', `${api} ${obj.kind} is deprecated`, `use ${replacement}`)];
  },
};
