/**
 * The naming-service instance part of the Nacos 3.1 admin API (`/nacos/v3/admin/ns/instance`,
 * alibaba/nacos `InstanceControllerV3` and `InstanceForm@3.1.x`): register, deregister, update,
 * list. Ephemeral instances expire like the server's beat check: unhealthy after
 * `preserved.heart.beat.timeout` ms without a renewal (default 15000), removed after
 * `preserved.ip.delete.timeout` ms (default 30000). Re-registering renews.
 */
import { EmulatedApiError } from './a2a-registry';

/** One stored instance, as the list shows it (plus bookkeeping). */
export interface EmulatedInstance {
  instanceId: string;
  ip: string;
  port: number;
  weight: number;
  healthy: boolean;
  enabled: boolean;
  ephemeral: boolean;
  clusterName: string;
  serviceName: string;
  metadata: Record<string, string>;
  instanceHeartBeatInterval: number;
  instanceHeartBeatTimeOut: number;
  ipDeleteTimeout: number;
  /** Emulator bookkeeping (not sent): last registration time. */
  lastBeat: number;
}

/** namespace -> `group@@service` -> `ip#port#cluster` -> instance. */
export type EmulatedNaming = Record<string, Record<string, Record<string, EmulatedInstance>>>;

const DEFAULT_GROUP = 'DEFAULT_GROUP';
const DEFAULT_CLUSTER = 'DEFAULT';

/** The instance operations over one store. */
export class NamingRegistry {
  private _lastCheck = -Infinity;

  constructor(
    private readonly _store: EmulatedNaming,
    private readonly _clock: () => number,
  ) {}

  /** `POST` (register or renew) and `PUT` (update, 500 when absent as the server's `updateInstance`). */
  upsert(param: (n: string) => string | undefined, update: boolean): void {
    const form = this._form(param);
    const services = (this._store[form.namespaceId] ??= {});
    const key = `${form.groupName}@@${form.serviceName}`;
    const instances = (services[key] ??= {});
    const id = `${form.ip}#${form.port}#${form.clusterName}`;
    if (update && !instances[id]) {
      throw new EmulatedApiError(500, 30000, 'server error', `instance not exist: ${form.ip}:${form.port}`);
    }
    const metadata = form.metadata;
    instances[id] = {
      instanceId: `${form.ip}#${form.port}#${form.clusterName}#${key}`,
      ip: form.ip,
      port: form.port,
      weight: form.weight,
      healthy: form.healthy,
      enabled: form.enabled,
      ephemeral: form.ephemeral,
      clusterName: form.clusterName,
      serviceName: key,
      metadata,
      instanceHeartBeatInterval: _ms(metadata['preserved.heart.beat.interval'], 5000),
      instanceHeartBeatTimeOut: _ms(metadata['preserved.heart.beat.timeout'], 15000),
      ipDeleteTimeout: _ms(metadata['preserved.ip.delete.timeout'], 30000),
      lastBeat: this._clock(),
    };
  }

  /** `DELETE`: removes one instance; unknown service or instance is still `ok`. */
  remove(param: (n: string) => string | undefined): void {
    const form = this._form(param);
    const key = `${form.groupName}@@${form.serviceName}`;
    delete this._store[form.namespaceId]?.[key]?.[`${form.ip}#${form.port}#${form.clusterName}`];
  }

  /** `GET /list`: the instances as a plain array (as the real 3.1 server answers); 404/30000 for an unknown service. */
  list(param: (n: string) => string | undefined): Record<string, unknown>[] {
    const serviceName = param('serviceName');
    if (!serviceName) throw new EmulatedApiError(400, 10000, 'parameter missing', "Required parameter 'serviceName' type String is not present");
    const namespaceId = param('namespaceId') || 'public';
    const groupName = param('groupName') || DEFAULT_GROUP;
    const cluster = param('clusterName') ?? '';
    const healthyOnly = param('healthyOnly') === 'true';
    this.expire();
    const key = `${groupName}@@${serviceName}`;
    // The real 3.1 server: an unknown service is a 404, not an empty list.
    if (!this._store[namespaceId]?.[key]) throw new EmulatedApiError(404, 30000, 'server error', `service ${key} is not found!`);
    return Object.values(this._store[namespaceId][key])
      .filter((i) => (!cluster || i.clusterName === cluster) && (!healthyOnly || i.healthy))
      .map(({ lastBeat: _ignored, instanceId: _id, ...shown }) => shown);
  }

  /**
   * `GET /v3/admin/ns/service/list` (`ServiceControllerV3`): services of a namespace, filtered by
   * substring of `serviceNameParam` and `groupNameParam`, paged; `withInstances=true` (Spring's
   * boolean: true/yes/on/1) gives each service's instances per cluster, else counts. An unknown
   * namespace is an empty page. As the real 3.1 server: no stable order (insertion order here),
   * `pagesAvailable` counted before the group filter (0 when nothing matches), `namespaceId` and `clusterName` null.
   */
  services(param: (n: string) => string | undefined, pageNo: number, pageSize: number): Record<string, unknown> {
    const namespaceId = param('namespaceId') || 'public';
    const serviceName = param('serviceNameParam') ?? '';
    const groupName = param('groupNameParam') ?? '';
    const withInstances = ['true', 'yes', 'on', '1'].includes((param('withInstances') ?? '').toLowerCase());
    this.expire();
    const byName = Object.entries(this._store[namespaceId] ?? {}).filter(([key]) => key.split('@@')[1].includes(serviceName));
    const matching = byName.filter(([key]) => key.split('@@')[0].includes(groupName));
    const page = matching.slice((pageNo - 1) * pageSize, pageNo * pageSize).map(([key, instances]) => {
      const [group, name] = key.split('@@');
      const all = Object.values(instances);
      if (!withInstances) {
        const clusters = new Set(all.map((i) => i.clusterName));
        return { name, groupName: group, clusterCount: clusters.size, ipCount: all.length, healthyInstanceCount: all.filter((i) => i.healthy).length, triggerFlag: 'false' };
      }
      const clusterMap: Record<string, unknown> = {};
      for (const cluster of new Set(all.map((i) => i.clusterName))) {
        // The real server's key order; `instanceIdGenerator` only when the metadata is empty.
        const hosts = all.filter((i) => i.clusterName === cluster).map(({ lastBeat: _b, instanceId: _i, instanceHeartBeatInterval, ...shown }) => ({
          ...shown, ...(Object.keys(shown.metadata).length ? {} : { instanceIdGenerator: 'simple' }), instanceHeartBeatInterval,
        }));
        clusterMap[cluster] = { clusterName: null, healthChecker: null, healthyCheckPort: 80, useInstancePortForCheck: true, metadata: null, hosts };
      }
      return { namespaceId: null, serviceName: name, groupName: group, clusterMap, metadata: {}, protectThreshold: 0.0, selector: null, ephemeral: null };
    });
    return { totalCount: matching.length, pageNumber: pageNo, pagesAvailable: matching.length ? Math.ceil(byName.length / pageSize) : 0, pageItems: page };
  }

  /** The server's beat check (it runs every 5 s): marks unhealthy, then removes, ephemeral instances not renewed. */
  expire(): void {
    const now = this._clock();
    if (now - this._lastCheck < 5000) return;
    this._lastCheck = now;
    for (const services of Object.values(this._store)) {
      for (const instances of Object.values(services)) {
        for (const [id, i] of Object.entries(instances)) {
          if (!i.ephemeral) continue;
          if (now - i.lastBeat > i.ipDeleteTimeout) delete instances[id];
          else if (now - i.lastBeat > i.instanceHeartBeatTimeOut) i.healthy = false;
        }
      }
    }
  }

  private _form(param: (n: string) => string | undefined) {
    // InstanceForm.validate(): defaults first, then serviceName, ip, port in this order.
    const serviceName = param('serviceName');
    const ip = param('ip');
    const portText = param('port');
    if (!serviceName?.trim()) throw new EmulatedApiError(400, 10000, 'parameter missing', "Required parameter 'serviceName' type String is not present");
    if (!ip?.trim()) throw new EmulatedApiError(400, 10000, 'parameter missing', "Required parameter 'ip' type String is not present");
    if (portText === undefined || portText === '') throw new EmulatedApiError(400, 10000, 'parameter missing', "Required parameter 'port' type Integer is not present");
    const port = Number(portText);
    if (!Number.isInteger(port)) throw new EmulatedApiError(400, 20002, 'parameter validate error', `port ${portText} is not an integer`);
    const weight = param('weight') ? Number(param('weight')) : 1.0;
    if (!(weight >= 0 && weight <= 10000)) {
      throw new EmulatedApiError(400, 20002, 'parameter validate error', 'instance format invalid: The weights range from 0.0 to 10000.0');
    }
    let metadata: Record<string, string> = {};
    const rawMetadata = param('metadata');
    if (rawMetadata) {
      try {
        metadata = JSON.parse(rawMetadata);
      } catch {
        throw new EmulatedApiError(400, 20002, 'parameter validate error', `instance metadata is not a JSON object: ${rawMetadata}`);
      }
    }
    const bool = (name: string, fallback: boolean) => (param(name) ? param(name) === 'true' : fallback);
    return {
      namespaceId: param('namespaceId') || 'public',
      groupName: param('groupName') || DEFAULT_GROUP,
      clusterName: param('clusterName') || DEFAULT_CLUSTER,
      serviceName,
      ip,
      port,
      weight,
      metadata,
      healthy: bool('healthy', true),
      enabled: bool('enabled', true),
      // switchDomain's default: instances are ephemeral unless asked otherwise.
      ephemeral: bool('ephemeral', true),
    };
  }
}

function _ms(raw: string | undefined, fallback: number): number {
  const n = Number(raw);
  return raw !== undefined && Number.isFinite(n) && n > 0 ? n : fallback;
}
