/** Errors raised by the Nacos client: one for answers from Nacos, one for failures on the way. */

/** Nacos answered with an error: HTTP status, Nacos' own code and message, and its detail text. */
export class NacosApiError extends Error {
  /** Nacos error code from the envelope (`undefined` for plain-text 400s and auth 403s). */
  readonly code?: number;
  /** Nacos' code text, e.g. `Agent not found`. */
  readonly nacosMessage?: string;
  /** Nacos' human detail (`data` of the envelope, or the plain-text body). */
  readonly detail?: string;

  constructor(
    /** What was attempted, e.g. `GET /v3/admin/ai/a2a`. */
    readonly operation: string,
    /** HTTP status of the answer. */
    readonly status: number,
    body: { code?: number; message?: string; detail?: string },
  ) {
    const code = body.code !== undefined ? ` code ${body.code}` : '';
    const text = [body.message, body.detail].filter(Boolean).join(': ');
    super(`Nacos ${operation} failed: HTTP ${status}${code}${text ? ` (${text})` : ''}`);
    this.name = 'NacosApiError';
    this.code = body.code;
    this.nacosMessage = body.message;
    this.detail = body.detail;
  }

  /** True for HTTP 5xx: worth retrying. */
  get retryable(): boolean {
    return this.status >= 500;
  }
}

/**
 * Nacos refused the credentials (the login) or refused a call even right after a fresh login.
 * Never retried: the same credentials get the same answer. Nacos 3.1 answers a wrong password
 * with HTTP 500 and an unknown user with 403, so the status alone does not tell; the endpoint does.
 * The message never holds the password.
 */
export class NacosAuthError extends NacosApiError {
  constructor(
    operation: string,
    status: number,
    /** `login`: the user/password pair does not log in; `forbidden`: logged in, still refused. */
    readonly kind: 'login' | 'forbidden',
    /** The user that tried. */
    readonly username: string,
    /** The server, with its context path. */
    readonly baseUrl: string,
  ) {
    super(operation, status, {
      message:
        kind === 'login'
          ? `Nacos at ${baseUrl} refused the login of user ${JSON.stringify(username)}: wrong username or password`
          : `Nacos at ${baseUrl} refused the call for user ${JSON.stringify(username)} even after a fresh login: the user lacks the permission`,
    });
    this.name = 'NacosAuthError';
  }

  /** Never: the same credentials get the same answer. */
  override get retryable(): boolean {
    return false;
  }
}

/** The request did not get an answer: refused, reset, or timed out. */
export class NacosTransportError extends Error {
  constructor(
    readonly operation: string,
    /** `refused`: nothing reached the server; `timeout`/`reset`: the server may have applied it. */
    readonly kind: 'refused' | 'timeout' | 'reset',
    cause: unknown,
  ) {
    super(`Nacos ${operation} failed: ${kind === 'timeout' ? 'timed out' : kind === 'refused' ? 'connection refused' : 'connection lost'} (${_causeText(cause)})`);
    this.name = 'NacosTransportError';
  }

  /** True when a write may have been applied although no answer came back. */
  get mayHaveCommitted(): boolean {
    return this.kind !== 'refused';
  }
}

/** True when `err` is Nacos' "not found" for an agent (50100) or a version (50101). */
export function isNotFound(err: unknown, code?: 50100 | 50101): boolean {
  return err instanceof NacosApiError && err.status === 404 && (code === undefined ? err.code === 50100 || err.code === 50101 : err.code === code);
}

function _causeText(cause: unknown): string {
  const c = cause as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  return c?.cause?.code ?? c?.code ?? c?.cause?.message ?? c?.message ?? String(cause);
}

/**
 * The first admin cannot be created because a global admin already exists, and user `nacos`
 * does not log in with the configured password. The message never holds the password.
 */
export class NacosAdminExistsError extends Error {
  constructor(
    /** The server, with its context path. */
    readonly baseUrl: string,
  ) {
    super(
      `Nacos at ${baseUrl}: an admin already exists and the configured nacosAdminPassword does not log in as "nacos"; ` +
        'set the current password with `pulumi config set --secret nacosAdminPassword ...`',
    );
    this.name = 'NacosAdminExistsError';
  }
}
