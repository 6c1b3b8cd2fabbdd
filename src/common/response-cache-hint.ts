import { Extensions } from 'type-graphql';
import type { RevisionName } from './revisions';

export const RESPONSE_CACHE_EXTENSION = 'responseCache';

/**
 * Marks a root query field whose whole answer is a function of its arguments and of the data
 * behind one revision counter, so a response made only of such fields may be kept until that
 * revision moves (graphql/response-cache.ts). Declared next to the resolver, opt-in: a field
 * without it (customers, credentials, security settings, the error log) is never cached.
 */
export function CachedUntilRevision(revision: RevisionName): MethodDecorator {
  return (target, key, descriptor) => Extensions({ [RESPONSE_CACHE_EXTENSION]: revision })(target, key, descriptor);
}
