import { Authorized, Extensions } from 'type-graphql';
import { ApiEndpoint } from '../security/api-endpoint';

/**
 * What a root field needs, read by the authentication step from the schema's field
 * extensions before any resolver runs. Declared next to the resolver so a new root field
 * cannot be added without saying which endpoint it belongs to.
 */
export interface FieldAccess {
  /** The endpoint whose IP filter and signature enforcement apply. */
  endpoint?: ApiEndpoint;
  /** Management operations (CONTRACT §5): ADMIN credentials only. */
  adminOnly?: boolean;
}

export const ACCESS_EXTENSION = 'access';

/**
 * Every management operation (credentials, security settings, the error log, imports and
 * deletes) belongs to the MANAGEMENT endpoint, so its IP filter and signature enforcement
 * reach them like any other endpoint's, and needs ADMIN.
 */
export const MANAGEMENT_OPERATION: FieldAccess = Object.freeze({ endpoint: ApiEndpoint.MANAGEMENT, adminOnly: true });

export function RootField(access: FieldAccess): MethodDecorator {
  return (target, key, descriptor) => {
    Extensions({ [ACCESS_EXTENSION]: access })(target, key, descriptor);
    // Defence in depth: a resolver runs only for a call that `authorize` let through. The
    // rule itself (endpoint, role) is decided there, once; this only checks it was decided.
    Authorized()(target, key, descriptor);
  };
}
