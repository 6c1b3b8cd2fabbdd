import type { ActiveCredential } from '../credentials/credential.store';
import type { ParsedAddress } from '../ip';

export type AuthMethod = 'key' | 'signature';

/**
 * The outcome of reading a request's credential. Built before any resolver or REST handler
 * runs; a request without a usable credential never gets further than the 401.
 */
export interface AuthState {
  credential: ActiveCredential | undefined;
  method: AuthMethod | undefined;
  /** Undefined only when the address cannot be told (socket gone, malformed forwarded hop). */
  client: ParsedAddress | undefined;
  /** `***` + last four characters of the presented key, for the error log. */
  keyHint: string | undefined;
  /** Why the credential was refused (for the 401 message); undefined when accepted. */
  failure: string | undefined;
}
