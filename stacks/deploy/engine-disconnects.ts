/**
 * When a stack's engine fails, it closes its connection to the inline program while the program
 * may still have calls in flight; Pulumi's Node runtime does not await `registerResourceOutputs`
 * (`@pulumi/pulumi` runtime/resource.ts), so that call rejects unhandled with gRPC status 14
 * (UNAVAILABLE, ECONNRESET). The failed stack's own `up()` already reports its failure, so during a
 * deploy these rejections are logged, not allowed to end the process and the other stacks with it.
 */

/** gRPC status UNAVAILABLE (grpc-js `Status.UNAVAILABLE`). */
const UNAVAILABLE = 14;

function isEngineDisconnect(reason: unknown): boolean {
  return typeof reason === 'object' && reason !== null && (reason as { code?: unknown }).code === UNAVAILABLE;
}

/**
 * Runs `fn` with engine disconnects of failed stacks logged through `log`; any other unhandled
 * rejection ends the process as Node would.
 */
export async function toleratingEngineDisconnects<T>(fn: () => Promise<T>, log: (line: string) => void): Promise<T> {
  const onRejection = (reason: unknown): void => {
    if (!isEngineDisconnect(reason)) throw reason;
    log(`agent-runtime deploy: a failed stack's engine closed its connection while its program was still running (${(reason as Error).message}); that stack's own result reports the failure`);
  };
  process.on('unhandledRejection', onRejection);
  try {
    return await fn();
  } finally {
    process.off('unhandledRejection', onRejection);
  }
}
