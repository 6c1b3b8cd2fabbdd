import { GraphQLDateTimeISO, GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../common/pagination';
import { ApiEndpoint } from '../security/api-endpoint';

@ObjectType({ description: 'The request of a failed call, with passwords, secrets and keys masked as "***".' })
export class ErrorLogRequest {
  @Field(() => String, {
    nullable: true,
    description: 'The GraphQL document sent (with secret literals masked); null for calls without one.',
  })
  query!: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The GraphQL variables sent, masked where they hold secrets.' })
  variables!: unknown;

  @Field(() => GraphQLJSONObject, {
    description: 'The request headers; credentials (X-Api-Key, Authorization, Cookie) are masked or reduced to key hints.',
  })
  headers!: Record<string, unknown>;
}

@ObjectType({ description: 'The response the failed call got, as sent, with any echoed secret masked.' })
export class ErrorLogResponse {
  @Field(() => Int, { description: 'The HTTP status, e.g. 401.' })
  status!: number;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The body as sent (JSON), or text.' })
  body!: unknown;
}

@ObjectType({
  description:
    'One failed API call (an error response, or HTTP status 400 and above), redacted: no secret or whole API key is kept.',
})
export class ErrorLog {
  @Field(() => ID, { description: 'The id of this record, for `errorLog(id:)`.' })
  id!: string;

  @Field(() => GraphQLDateTimeISO, { description: 'When the response was sent.' })
  occurredAt!: Date;

  @Field(() => String, {
    nullable: true,
    description: 'The X-Request-Id of the call, also in every error it answered (extensions.requestId).',
  })
  requestId!: string | null;

  @Field(() => [ApiEndpoint], {
    description: 'The endpoints the call touched (one per root field); empty when it failed before they were known.',
  })
  endpoints!: ApiEndpoint[];

  @Field(() => String, { nullable: true, description: 'The GraphQL operation name, when the call named one.' })
  operationName!: string | null;

  @Field(() => String, { nullable: true, description: 'The client address the IP filter saw (see TRUST_PROXY).' })
  clientIp!: string | null;

  @Field(() => String, { nullable: true, description: '"***" and the last four characters of the key used.' })
  apiKeyHint!: string | null;

  @Field(() => String, { description: 'The HTTP method, e.g. POST.' })
  httpMethod!: string;

  @Field(() => String, { description: 'The request path, e.g. /graphql or /entities/offers/offer.' })
  path!: string;

  @Field(() => ErrorLogRequest, { description: 'What was sent, redacted.' })
  request!: ErrorLogRequest;

  @Field(() => ErrorLogResponse, { description: 'What was answered, redacted.' })
  response!: ErrorLogResponse;

  @Field(() => [String], { description: 'The error codes of the response, e.g. UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT.' })
  errorCodes!: string[];

  @Field(() => Boolean, { description: 'Parts over the record size cap were cut.' })
  truncated!: boolean;

  @Field(() => Int, {
    description:
      'How many failed calls this record stands for: 1, except for RATE_LIMITED refusals, which are kept as one record per API key (or client address) and minute with the number of calls refused.',
  })
  occurrences!: number;
}

export const ErrorLogConnection = ConnectionType(ErrorLog, 'ErrorLog', 'error log records');
