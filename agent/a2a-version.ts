/**
 * A2A version negotiation (S§3.6): the client names `Major.Minor` in the `A2A-Version` header (or
 * query parameter); none means 0.3. The agent answers in that version when one of its card's
 * interfaces of the binding declares it, else with VersionNotSupportedError (-32009, HTTP 400).
 * One leniency: a 1.0 method name (`SendMessage`) without the header is served as 1.0, since 0.3
 * has no such method and the only other answer would be -32601.
 */
import type * as http from 'node:http';
import { isV1JsonRpcMethod } from '@a2a-js/sdk/compat/v0_3';
import { AgentCardV1, A2A_V03, A2A_V1, isLegacyVersion } from '../constructs/agent-card-v1';

export const A2A_VERSION_HEADER = 'A2A-Version';
export const VERSION_NOT_SUPPORTED = -32009;

/** The version a request asks for, as sent (header first, then query), or undefined. */
export function requestedVersion(req: http.IncomingMessage): string | undefined {
  const h = req.headers[A2A_VERSION_HEADER.toLowerCase()];
  const header = (Array.isArray(h) ? h[0] : h)?.trim();
  if (header) return header;
  const q = (req.url ?? '').indexOf('?');
  if (q < 0) return undefined;
  return new URLSearchParams(req.url!.slice(q + 1)).get(A2A_VERSION_HEADER)?.trim() || undefined;
}

/** Major.Minor of a version string ("1.0.1" → "1.0"); 0.3.x → "0.3". */
export function majorMinor(version: string): string {
  const m = /^(\d+)(?:\.(\d+))?/.exec(version.trim());
  return m ? `${Number(m[1])}.${Number(m[2] ?? 0)}` : version.trim();
}

/** The versions the card's interfaces of `binding` declare, as Major.Minor. */
export function supportedVersions(card: AgentCardV1, binding: string): Set<string> {
  return new Set(card.supportedInterfaces.filter((i) => i.protocolBinding === binding).map((i) => (isLegacyVersion(i.protocolVersion) ? A2A_V03 : majorMinor(i.protocolVersion))));
}

/** The version to answer in, or the -32009 error to answer with. */
export function negotiate(requested: string | undefined, method: unknown, supported: Set<string>): { version: typeof A2A_V1 | typeof A2A_V03 } | { error: { code: number; message: string } } {
  const asked = requested ? (isLegacyVersion(requested) ? A2A_V03 : majorMinor(requested)) : isV1JsonRpcMethod(method) ? A2A_V1 : A2A_V03;
  if ((asked === A2A_V1 || asked === A2A_V03) && supported.has(asked)) return { version: asked };
  return { error: { code: VERSION_NOT_SUPPORTED, message: `A2A version "${requested ?? asked}" is not supported by this agent; send ${A2A_VERSION_HEADER}: ${[...supported].sort().reverse().join(' or ')}` } };
}
