/** Small helpers to find synthesized objects by kind and name, never by array position. */

/** All objects of `kind` (and optional namespace). */
export function findAll(objects: any[], kind: string, namespace?: string): any[] {
  return objects.filter((o) => o.kind === kind && (namespace === undefined || o.metadata?.namespace === namespace));
}

/** The single object of `kind` named `name`; throws listing what exists when absent. */
export function findOne(objects: any[], kind: string, name: string, namespace?: string): any {
  const hits = findAll(objects, kind, namespace).filter((o) => o.metadata?.name === name);
  if (hits.length !== 1) {
    const names = findAll(objects, kind).map((o) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`);
    throw new Error(`expected one ${kind} "${name}"${namespace ? ` in ${namespace}` : ''}, found ${hits.length}; ${kind}s: ${names.join(', ') || 'none'}`);
  }
  return hits[0];
}
