import type { AuthState } from '../auth/auth-state';
import type { ApiEndpoint } from '../security/api-endpoint';
import type { RawRequest } from '../common/raw-request';

export type { RawRequest } from '../common/raw-request';

/** What a handler answers; only the HTTP layer writes it. */
export interface CallResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /**
   * `body` already encoded as UTF-8, when the handler has it (a response served from the
   * response cache): written as is, so a hit does not transcode 80 kB of text every time.
   */
  bytes?: Buffer;
}

/**
 * One API call, from the bytes received to the response sent. Each stage of the request path
 * adds what it learns (authentication the credential and client address, the authorization
 * plugin the endpoints and the operation name, the HTTP layer the response), and the error
 * log reads the finished record; nothing leaves a stage any other way.
 */
export interface Call {
  readonly requestId: string;
  readonly request: RawRequest;
  auth: AuthState | undefined;
  /** ENTITIES for the Entities API paths; for GraphQL, those of the operation's root fields. */
  endpoints: ApiEndpoint[];
  operationName: string | undefined;
  /**
   * Set once `authorize` has let every root field of the call through; the resolvers'
   * backstop (type-graphql's auth checker) reads it instead of deciding again.
   */
  authorized: boolean;
  response: CallResponse | undefined;
  /** The rate limit the call was measured against (src/rate-limit/), if any applied. */
  rateLimit: RateLimitNote | undefined;
}

/** What the rate limiter decided for a call, for its headers and the error log. */
export interface RateLimitNote {
  /** Whose budget: a key's digest or a client address (never the key itself). */
  subject: string;
  /** True when the call was refused with 429: the error log folds such calls into one record per subject and minute. */
  refused: boolean;
}

export function newCall(requestId: string, request: RawRequest): Call {
  return {
    requestId,
    request,
    auth: undefined,
    endpoints: [],
    operationName: undefined,
    authorized: false,
    response: undefined,
    rateLimit: undefined,
  };
}
