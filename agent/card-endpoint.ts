/**
 * `GET /.well-known/agent-card.json` for both generations (S§8.2, a2a-js `agentCardHandler` with
 * `legacyCompat`): no `A2A-Version` or [0.3, 1.0) gets the 0.3 card with the 1.0
 * `supportedInterfaces` embedded (0.3 readers use its 0.3 fields, 1.0 readers parse it as 1.0);
 * `1.0` gets the 1.0 card; anything else, or a 0.3 ask of a card without a 0.3 interface, gets 400
 * VersionNotSupportedError. `Vary: A2A-Version`, a per-version ETag and `Cache-Control` let
 * caches keep both.
 */
import { createHash } from 'node:crypto';
import type * as http from 'node:http';
import { AgentCardV1, A2A_V1, isLegacyVersion, legacyCardOf } from '../constructs/agent-card-v1';
import { A2A_VERSION_HEADER, majorMinor, requestedVersion, VERSION_NOT_SUPPORTED } from './a2a-version';

/** Renders the card per version once; `serve` answers a request. */
export class CardEndpoint {
  private readonly bodies = new Map<string, { text: string; etag: string } | { error: string }>();

  constructor(private readonly card: AgentCardV1, private readonly maxAgeSeconds = 300) {}

  serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    const asked = requestedVersion(req);
    const version = isLegacyVersion(asked) ? 'legacy' : majorMinor(asked!);
    const body = this._render(version, asked);
    res.setHeader('vary', A2A_VERSION_HEADER);
    if ('error' in body) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(body.error);
      return;
    }
    res.setHeader('etag', body.etag);
    res.setHeader('cache-control', `public, max-age=${this.maxAgeSeconds}`);
    if (req.headers['if-none-match'] === body.etag) {
      res.writeHead(304).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body.text) }).end(body.text);
  }

  private _render(version: string, asked: string | undefined) {
    let out = this.bodies.get(version);
    if (out) return out;
    let json: unknown;
    try {
      if (version === 'legacy') json = legacyCardOf(this.card, true);
      else if (version === A2A_V1) json = this.card;
      else throw new Error(`A2A version "${asked}" is not supported; this card is served as 1.0 and 0.3`);
    } catch (e) {
      out = { error: JSON.stringify({ code: VERSION_NOT_SUPPORTED, message: (e as Error).message }) };
      if (version === 'legacy' || version === A2A_V1) this.bodies.set(version, out);
      return out;
    }
    const text = JSON.stringify(json);
    out = { text, etag: `W/"${createHash('sha256').update(text).digest('hex').slice(0, 16)}"` };
    this.bodies.set(version, out);
    return out;
  }
}
