/**
 * Reads a request body within bounds: at most `maxBytes` (a declared `content-length` over it is
 * refused before reading) and within `timeoutMs` from the first byte asked for (a slow body is cut
 * off). On either, reading stops at once: the caller answers and closes the connection.
 */
import type * as http from 'node:http';

/** Why a body was not read. */
export class BodyLimitError extends Error {
  constructor(readonly kind: 'too_large' | 'too_slow', readonly status: 413 | 408, message: string) {
    super(message);
  }
}

export function readBody(req: http.IncomingMessage, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      return reject(new BodyLimitError('too_large', 413, `request body of ${declared} bytes is over the limit of ${maxBytes} bytes (maxBodyBytes)`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (e?: Error) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError);
      if (e) {
        req.pause(); // read no more: the caller answers and closes
        reject(e);
      }
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) return stop(new BodyLimitError('too_large', 413, `request body is over the limit of ${maxBytes} bytes (maxBodyBytes)`));
      chunks.push(c);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (e: Error) => stop(e);
    const timer = setTimeout(() => stop(new BodyLimitError('too_slow', 408, `request body not received within ${timeoutMs} ms (timeouts.bodyMs)`)), timeoutMs);
    timer.unref();
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}
