/**
 * Tells the owner of a card ConfigMap the controller does not use: one Warning Event on the
 * ConfigMap and one log line per problem and object version (a resync repeats nothing).
 * A ConfigMap outside every tenant namespace gets the log line only: the controller may write
 * Events only in tenant namespaces (the Roles TenantNamespace grants).
 */
import type { ClusterWriter } from './cluster';
import type { CardProblem } from './desired-state';

/** Most problems remembered as reported; older ones may be reported again. */
const MAX_REMEMBERED = 10_000;

/** The reporter. */
export class CardProblemReporter {
  private readonly _reported = new Set<string>();

  constructor(
    private readonly _writer: ClusterWriter,
    private readonly _log: (line: string) => void,
  ) {}

  async report(p: CardProblem): Promise<void> {
    const m = p.configMap.metadata;
    const id = `${m.namespace}/${m.name}@${m.resourceVersion ?? ''}:${p.reason}:${p.field}`;
    if (this._reported.has(id)) return;
    if (this._reported.size >= MAX_REMEMBERED) this._reported.clear();
    this._reported.add(id);
    this._log(`ConfigMap ${m.namespace}/${m.name}: ${p.field}: ${p.message} (${p.reason})`);
    if (p.reason === 'NotInTenantNamespace') return;
    try {
      await this._writer.recordEvent({ apiVersion: 'v1', kind: 'ConfigMap', metadata: m }, 'Warning', p.reason, `${p.field}: ${p.message}`.slice(0, 1000));
    } catch (err) {
      this._log(`could not record an Event on ConfigMap ${m.namespace}/${m.name}: ${(err as Error).message}`);
    }
  }
}
