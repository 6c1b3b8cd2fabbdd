import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchemaSync, type AuthChecker } from 'type-graphql';
import { EntitiesResolver } from '../entities/entity.resolver';
import { ImportResolver } from '../entities/import/import.resolver';
import { SecurityResolver } from '../management/security.resolver';
import { CredentialResolver } from '../management/credential.resolver';
import { ErrorLogResolver } from '../errorlog/errorlog.resolver';
import { CustomerResolver, EventResolver } from '../customers/customer.resolver';
import { OffersAppliedResolver } from '../offers-applied/offers-applied.resolver';
import { CustomerRedemptionsResolver } from '../offers-applied/customer-redemptions.resolver';
import { forbidden } from '../common/errors';
import type { RequestContext } from './context';

/**
 * The backstop behind every root field: access was decided by `authorize` (the authorization
 * plugin) before execution; a resolver reached any other way is refused.
 */
const authChecker: AuthChecker<RequestContext> = ({ context }) => {
  if (context.call?.authorized === true) return true;
  throw forbidden('This operation was not authorized');
};

let cached: GraphQLSchema | undefined;

/** type-graphql has no option for the root types' descriptions; graphql-js keeps them as plain properties. */
function describeRootTypes(schema: GraphQLSchema): void {
  const query = schema.getQueryType();
  const mutation = schema.getMutationType();
  if (query) {
    query.description =
      'What can be read. Every field belongs to one API endpoint (see ApiEndpoint), whose IP filter and signature enforcement apply; management fields need an ADMIN key.';
  }
  if (mutation) {
    mutation.description =
      'What can be changed. Every field belongs to one API endpoint (see ApiEndpoint); management fields need an ADMIN key.';
  }
}

/** The type-graphql schema; built once per process (the metadata is global anyway). */
export function buildApiSchema(): GraphQLSchema {
  cached ??= buildSchemaSync({
    resolvers: [
      EntitiesResolver,
      ImportResolver,
      SecurityResolver,
      CredentialResolver,
      ErrorLogResolver,
      CustomerResolver,
      EventResolver,
      OffersAppliedResolver,
      CustomerRedemptionsResolver,
    ],
    authChecker,
    // Unknown keys in JSON documents are the import's business, not a validation failure.
    validate: { forbidUnknownValues: false },
  });
  describeRootTypes(cached);
  return cached;
}

/** The SDL committed as `schema.graphql`: sorted, so the diff of a change is only the change. */
export function printApiSchema(): string {
  return printSchema(lexicographicSortSchema(buildApiSchema())) + '\n';
}
