import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { _quantities } from './_k8s-values';
import { _emitTyped } from './_typed-manifest';
import { LABEL } from './labels';

/** Kata Containers variant and the pod overhead its VM adds (counts against quotas). */
export interface KataRuntimeClass {
  /** RuntimeClass name and CRI handler. @default 'kata-qemu' */
  readonly handler?: string;
  /** @default { cpu: '250m', memory: '320Mi' } (kata-qemu) */
  readonly overhead?: { readonly cpu: string; readonly memory: string };
}

/** Props of {@link SandboxRuntimeClasses}. */
export interface SandboxRuntimeClassesProps {
  /**
   * Create the `gvisor` RuntimeClass. Turn off where the provider manages it (GKE Sandbox).
   * @default true
   */
  readonly gvisor?: boolean;
  /** Node labels that mark gVisor-capable nodes. @default - none: every node runs runsc */
  readonly gvisorNodeSelector?: Readonly<Record<string, string>>;
  /** Also create a Kata RuntimeClass. @default - none */
  readonly kata?: KataRuntimeClass;
}

/**
 * The RuntimeClasses sandboxes run under: `gvisor` (handler `runsc`) and optionally Kata with
 * its pod overhead.
 *
 * @example new SandboxRuntimeClasses(chart, 'runtime-classes', { kata: {} });
 */
export class SandboxRuntimeClasses extends Construct {
  /** Names of the RuntimeClasses sandboxes may use. */
  public readonly names: string[] = [];

  constructor(scope: Construct, id: string, props: SandboxRuntimeClassesProps = {}) {
    super(scope, id);
    const labels = { [LABEL.role]: 'platform', [LABEL.partOf]: 'agent-runtime' };
    if (props.gvisor ?? true) {
      const selector = props.gvisorNodeSelector;
      _emitTyped(this, 'gvisor', k8s.KubeRuntimeClass.GVK, k8s.toJson_KubeRuntimeClassProps, {
        metadata: { name: 'gvisor' },
        handler: 'runsc',
        ...(selector && Object.keys(selector).length ? { scheduling: { nodeSelector: { ...selector } } } : {}),
      }, labels);
      this.names.push('gvisor');
    }
    if (props.kata) {
      const handler = props.kata.handler ?? 'kata-qemu';
      if (!/^kata[-a-z0-9]*$/.test(handler)) {
        throw new Error(`runtimeClasses.kata.handler: "${handler}" is not a Kata handler; use e.g. "kata-qemu", "kata-clh" or "kata-fc"`);
      }
      _emitTyped(this, 'kata', k8s.KubeRuntimeClass.GVK, k8s.toJson_KubeRuntimeClassProps, {
        metadata: { name: handler },
        handler,
        overhead: { podFixed: _quantities(props.kata.overhead ?? { cpu: '250m', memory: '320Mi' }) },
        scheduling: { nodeSelector: { 'katacontainers.io/kata-runtime': 'true' } },
      }, labels);
      this.names.push(handler);
    }
  }
}
