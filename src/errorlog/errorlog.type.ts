import { GraphQLDateTimeISO, GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../common/pagination';

@ObjectType({ description: 'The request of a failed call, with passwords, secrets and keys masked as "***".' })
export class ErrorLogRequest {
  @Field(() => String, { nullable: true })
  query!: string | null;

  @Field(() => GraphQLJSON, { nullable: true })
  variables!: unknown;

  @Field(() => GraphQLJSONObject)
  headers!: Record<string, unknown>;
}

@ObjectType()
export class ErrorLogResponse {
  @Field(() => Int)
  status!: number;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The body as sent (JSON), or text.' })
  body!: unknown;
}

@ObjectType({ description: 'One failed API call (CONTRACT §6).' })
export class ErrorLog {
  @Field(() => ID)
  id!: string;

  @Field(() => GraphQLDateTimeISO)
  occurredAt!: Date;

  @Field(() => String, {
    nullable: true,
    description: 'The X-Request-Id of the call, also in every error it answered (extensions.requestId).',
  })
  requestId!: string | null;

  @Field(() => [String])
  endpoints!: string[];

  @Field(() => String, { nullable: true })
  operationName!: string | null;

  @Field(() => String, { nullable: true })
  clientIp!: string | null;

  @Field(() => String, { nullable: true, description: '"***" and the last four characters of the key used.' })
  apiKeyHint!: string | null;

  @Field(() => String)
  httpMethod!: string;

  @Field(() => String)
  path!: string;

  @Field(() => ErrorLogRequest)
  request!: ErrorLogRequest;

  @Field(() => ErrorLogResponse)
  response!: ErrorLogResponse;

  @Field(() => [String])
  errorCodes!: string[];

  @Field(() => Boolean, { description: 'Parts over the record size cap were cut.' })
  truncated!: boolean;

  @Field(() => Int, {
    description:
      'How many failed calls this record stands for: 1, except for RATE_LIMITED refusals, which are kept as one record per API key (or client address) and minute with the number of calls refused.',
  })
  occurrences!: number;
}

export const ErrorLogConnection = ConnectionType(ErrorLog, 'ErrorLog');
