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
 * An `unhandledRejection` listener for the deploy command: engine disconnects of failed stacks are
 * logged through `log`; any other unhandled rejection ends the process as Node would. It stays for
 * the life of the process: such a rejection can land after the last stack has returned.
 */
export function engineDisconnectListener(log: (line: string) => void): (reason: unknown) => void {
  return (reason) => {
    if (!isEngineDisconnect(reason)) throw reason;
    log(`agent-runtime deploy: a failed stack's engine closed its connection while its program was still running (${(reason as Error).message}); that stack's own result reports the failure`);
  };
}
