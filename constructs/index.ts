/** Public API of the agent-runtime constructs (cdk8s + cdk8s-plus-28). */
export * from './labels';
export * from './platform-facts';
export * from './agent-runtime-platform';
export * from './nacos-cluster';
export * from './higress-config';
export * from './sandbox-runtime-classes';
export * from './tenant-namespace';
export * from './agent';
export * from './agent-card';
export * from './agent-directory';
export * from './sandbox-pool';
export * from './canary-release';
export * from './observability';
export * from './runtime-controller';
