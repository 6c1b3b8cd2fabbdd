import { ApiEndpoint } from '../security/api-endpoint';
import type { SecuritySettingsDoc } from '../security/security-settings.model';
import { IpMatcher } from '../ip/ip-matcher';
import type { AuthState } from './auth-state';

/**
 * Why applying `after` would refuse the very request that asks for it, or undefined when it
 * would not. Management requests are on the MANAGEMENT endpoint, so only its rules can lock
 * the caller out; the message says what to do instead, as for a key revoking itself.
 */
export function lockoutReason(after: SecuritySettingsDoc, caller: AuthState): string | undefined {
  const settings = after.endpoints?.[ApiEndpoint.MANAGEMENT];
  const entries = settings?.ipFilters ?? [];
  if (after.modules?.IP_FILTER === true && entries.length > 0) {
    const allowed = caller.client !== undefined && IpMatcher.from(entries).matches(caller.client);
    if (!allowed) {
      const address = caller.client?.text ?? 'cannot be determined';
      return (
        `this change would lock you out: your address (${address}) would no longer be allowed on the MANAGEMENT endpoint; ` +
        `add an entry that covers it first, or make the change from an allowed address`
      );
    }
  }
  if (after.modules?.SIGNATURE_CHECK === true && settings?.signatureEnforced === true && caller.method !== 'signature') {
    return (
      'this change would lock you out: the MANAGEMENT endpoint would refuse plain API keys and this request uses one; ' +
      'make the change with a signed request (Apollo Sandbox cannot sign)'
    );
  }
  return undefined;
}
