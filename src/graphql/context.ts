import type { Services } from '../app/services';
import type { AuthState } from '../auth/auth-state';
import type { RawRequest } from '../http/raw-request';

/** Facts about the call gathered on the way, read by the error log. */
export interface CallInfo {
  raw: RawRequest;
  /** Sent back as X-Request-Id and in every error's extensions; stored in the error log. */
  requestId: string;
  endpoints: string[];
  /** The executed operation's name, once GraphQL has resolved it. */
  operationName?: string;
}

/** What every resolver receives. Built once per request by the HTTP layer. */
export interface RequestContext {
  services: Services;
  auth: AuthState;
  request: CallInfo;
}
