/** Public API of the agent-runtime constructs (cdk8s; core kinds typed by cdk8s-plus-28's generated k8s types). */
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
export * from './image-reference';
export * from './runtime-controller';
