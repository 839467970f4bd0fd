/**
 * The `fetch` of `callSkill`: a reply body over `maxBytes` fails the read (nothing is buffered
 * past it), and redirects are followed only within the request's origin (at most 5), so a
 * callee cannot send the body, the token and the lineage headers to another host.
 */
export class ReplyTooLargeError extends Error {}
export class CrossOriginRedirectError extends Error {
  constructor(readonly status: number, readonly location: string) {
    super(`refused a redirect (HTTP ${status}) to another origin: ${location}`);
  }
}

const MAX_REDIRECTS = 5;

export function boundedFetch(maxBytes: number, onStatus?: (status: number) => void): typeof fetch {
  return async (input, init) => {
    let url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    for (let hop = 0; ; hop++) {
      const res = await fetch(url, { ...init, redirect: 'manual' });
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        const next = new URL(location, url);
        await res.body?.cancel();
        if (next.origin !== url.origin || hop >= MAX_REDIRECTS || !(res.status === 307 || res.status === 308)) {
          onStatus?.(res.status);
          throw next.origin !== url.origin ? new CrossOriginRedirectError(res.status, next.href) : new Error(`HTTP ${res.status} redirect to ${next.href} not followed (only 307/308 within the origin, at most ${MAX_REDIRECTS})`);
        }
        url = next;
        continue;
      }
      onStatus?.(res.status);
      return limitBody(res, maxBytes);
    }
  };
}

/** The response with its body cut off (an error) past `maxBytes`. */
export function limitBody(res: Response, maxBytes: number): Response {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    void res.body?.cancel();
    throw new ReplyTooLargeError(`reply of ${declared} bytes is over the limit of ${maxBytes} bytes (maxReplyBytes)`);
  }
  if (!res.body) return res;
  let seen = 0;
  const limited = res.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, ctl) {
      seen += chunk.byteLength;
      if (seen > maxBytes) ctl.error(new ReplyTooLargeError(`reply is over the limit of ${maxBytes} bytes (maxReplyBytes)`));
      else ctl.enqueue(chunk);
    },
  }));
  return new Response(limited, { status: res.status, statusText: res.statusText, headers: res.headers });
}
