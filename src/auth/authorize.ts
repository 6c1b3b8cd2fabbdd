import type { GraphQLError } from 'graphql';
import { forbidden, unauthenticated } from '../common/errors';
import type { SecurityStore } from '../security/security.store';
import type { FieldAccess } from './root-field';
import type { AuthState } from './auth-state';

/**
 * Applies the rules of every endpoint an operation touches (CONTRACT §4): a refused
 * credential → 401; an address outside an endpoint's filter → 403; a plain key on an
 * enforced endpoint → 401; a non-admin on a management operation → 403. The first failing
 * rule answers; nothing runs.
 */
export function authorize(
  auth: AuthState | undefined,
  accesses: Iterable<FieldAccess>,
  security: SecurityStore,
): GraphQLError | undefined {
  if (!auth?.credential) return unauthenticated(auth?.failure ?? 'Not authenticated');
  for (const access of accesses) {
    if (access.endpoint) {
      const rules = security.rulesFor(access.endpoint);
      if (rules.ipMatcher && !(auth.client && rules.ipMatcher.matches(auth.client))) {
        return forbidden(`Client address ${auth.client?.text ?? '(unknown)'} is not allowed on the ${access.endpoint} endpoint`);
      }
      if (rules.signatureRequired && auth.method !== 'signature') {
        return unauthenticated(`The ${access.endpoint} endpoint requires a signed request; plain API keys are refused`);
      }
    }
    if (access.adminOnly && auth.credential.role !== 'ADMIN') {
      return forbidden('This operation needs an ADMIN credential');
    }
  }
  return undefined;
}
