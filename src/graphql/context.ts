import type { Services } from '../app/services';
import type { ActiveCredential } from '../credentials/credential.store';
import type { AuthState } from '../auth/auth-state';
import type { Call } from '../call/call';

/** What every resolver receives; built once per request from its call record. */
export interface RequestContext {
  services: Services;
  call: Call;
  /** The call's authentication, known to carry a credential: without one GraphQL never runs. */
  auth: AuthState & { credential: ActiveCredential };
}
