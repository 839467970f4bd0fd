import { violation } from '../object-ref';
import { ADVISORY, type K8sObject, type Rule, type RuleContext, type Violation } from '../types';

const ID = 'hpa-sane';

/** Bounds and target of an HPA or a KEDA ScaledObject, with their field paths. */
interface _Scaler {
  readonly min: number;
  readonly max: number;
  readonly minPath: string;
  readonly maxPath: string;
  readonly targetKind: string;
  readonly targetName: string;
}

/** Autoscalers have sane bounds, resolve their target, do not overlap, and own their target's replicas. */
export const hpaSane: Rule = {
  id: ID,
  description: 'HPA/ScaledObject min <= max <= configured cap; the scaleTargetRef resolves; one autoscaler per target; an autoscaled Deployment, StatefulSet or kagent Agent does not pin replicas.',
  severity: 'medium',
  remediation: 'Fix min/max, point scaleTargetRef at an existing workload, keep only one autoscaler per target (KEDA owns its HPA), and remove replicas from autoscaled workloads.',
  enforcement: ADVISORY,
  kinds: ['HorizontalPodAutoscaler', 'ScaledObject', 'Deployment', 'StatefulSet', 'Agent'],
  configKeys: ['maxReplicas'],
  check: (obj, ctx) => {
    const s = _scaler(obj);
    if (!s) return [];
    const out: Violation[] = [];
    if (s.min > s.max) out.push(violation(ID, obj, s.minPath, `min replicas ${s.min} > max replicas ${s.max}`, `set ${s.minPath} <= ${s.maxPath}`));
    if (s.max > ctx.config.maxReplicas) out.push(violation(ID, obj, s.maxPath, `max replicas ${s.max} exceeds the cap ${ctx.config.maxReplicas}`, `lower ${s.maxPath} (or raise config maxReplicas)`));
    if (obj.kind === 'HorizontalPodAutoscaler' && s.min === 0) {
      out.push(violation(ID, obj, s.minPath, 'HPA minReplicas: 0 needs the HPAScaleToZero feature gate (off by default)', 'use a KEDA ScaledObject with minReplicaCount: 0 to scale to zero'));
    }
    return out;
  },
  checkSet: (obj, ctx) => {
    const s = _scaler(obj);
    const ns = obj.metadata?.namespace ?? '';
    if (!s) return _checkPinnedReplicas(obj, ctx);
    const out: Violation[] = [];
    if (!_resolves(s, ns, ctx)) {
      out.push(violation(ID, obj, 'spec.scaleTargetRef', `scale target ${s.targetKind}/${ns}/${s.targetName} is not in this set of objects`, 'point spec.scaleTargetRef at an existing workload'));
    }
    const owners = _byTarget(ctx).get(`${s.targetKind}/${ns}/${s.targetName}`) ?? [];
    if (owners.length > 1 && owners[0] !== obj) {
      out.push(violation(ID, obj, 'spec.scaleTargetRef', `${s.targetKind}/${ns}/${s.targetName} already has an autoscaler (${owners[0].kind}/${owners[0].metadata?.name})`,
        'keep a single autoscaler per workload'));
    }
    return out;
  },
};

function _scaler(obj: K8sObject): _Scaler | undefined {
  const spec = obj.spec ?? {};
  if (obj.kind === 'HorizontalPodAutoscaler') {
    return { min: spec.minReplicas ?? 1, max: spec.maxReplicas ?? 0, minPath: 'spec.minReplicas', maxPath: 'spec.maxReplicas', targetKind: spec.scaleTargetRef?.kind ?? '', targetName: spec.scaleTargetRef?.name ?? '' };
  }
  if (obj.kind === 'ScaledObject') {
    return { min: spec.minReplicaCount ?? 0, max: spec.maxReplicaCount ?? 100, minPath: 'spec.minReplicaCount', maxPath: 'spec.maxReplicaCount', targetKind: spec.scaleTargetRef?.kind ?? 'Deployment', targetName: spec.scaleTargetRef?.name ?? '' };
  }
  return undefined;
}

/** A target is in the set, or is the Deployment kagent creates for an Agent of the same name. */
function _resolves(s: _Scaler, ns: string, ctx: RuleContext): boolean {
  if (ctx.index.get(s.targetKind, ns, s.targetName)) return true;
  return s.targetKind === 'Deployment' && ctx.index.get('Agent', ns, s.targetName) !== undefined;
}

/** Autoscalers by `kind/namespace/name` of their target, in input order. */
function _byTarget(ctx: RuleContext): Map<string, K8sObject[]> {
  return ctx.index.memo('hpa-sane:by-target', () => {
    const map = new Map<string, K8sObject[]>();
    for (const kind of ['HorizontalPodAutoscaler', 'ScaledObject']) {
      for (const a of ctx.index.ofKind(kind)) {
        const s = _scaler(a)!;
        const key = `${s.targetKind}/${a.metadata?.namespace ?? ''}/${s.targetName}`;
        const list = map.get(key);
        if (list) list.push(a);
        else map.set(key, [a]);
      }
    }
    return map;
  });
}

function _checkPinnedReplicas(obj: K8sObject, ctx: RuleContext): Violation[] {
  const ns = obj.metadata?.namespace ?? '';
  const name = obj.metadata?.name ?? '';
  const isAgent = obj.kind === 'Agent';
  const owners = _byTarget(ctx).get(`${isAgent ? 'Deployment' : obj.kind}/${ns}/${name}`);
  if (!owners) return [];
  const path = isAgent ? (obj.spec?.byo ? 'spec.byo.deployment.replicas' : 'spec.declarative.deployment.replicas') : 'spec.replicas';
  const pinned = isAgent ? (obj.spec?.byo ?? obj.spec?.declarative)?.deployment?.replicas : obj.spec?.replicas;
  return pinned === undefined ? [] : [violation(ID, obj, path, `replicas pinned to ${pinned} while ${owners[0].kind}/${owners[0].metadata?.name} scales it: every apply fights the autoscaler`,
    `remove ${path}`)];
}
