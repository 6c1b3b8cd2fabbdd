import type { ActiveCredential } from '../credentials/credential.store';
import type { AuthState } from '../auth/auth-state';
import type { Call } from './call';

/**
 * What a resolver receives, with the services it names: each resolver declares the slice
 * it uses (`ResolverContext<{ entities: EntityStore }>`), so the domain folders need no
 * import of the GraphQL layer that assembles them (graphql/context.ts has the whole one).
 */
export interface ResolverContext<S = unknown> {
  services: S;
  call: Call;
  /** The call's authentication, known to carry a credential: without one GraphQL never runs. */
  auth: AuthState & { credential: ActiveCredential };
}
