import { GraphQLDateTimeISO } from 'graphql-scalars';
import { Field, InputType, Int } from 'type-graphql';
import { IsEnum, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ApiEndpoint } from '../security/api-endpoint';

@InputType({ description: 'All given conditions must hold.' })
export class ErrorLogFilter {
  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'Occurred at or after.' })
  @IsOptional()
  from?: Date;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'Occurred before.' })
  @IsOptional()
  to?: Date;

  @Field(() => ApiEndpoint, { nullable: true, description: 'Calls that touched this endpoint.' })
  @IsOptional()
  @IsEnum(ApiEndpoint)
  endpoint?: ApiEndpoint;

  @Field(() => String, { nullable: true, description: 'e.g. UNAUTHENTICATED, BAD_USER_INPUT.' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  errorCode?: string;

  @Field(() => Int, { nullable: true, description: 'Calls answered with this HTTP status, e.g. 403.' })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(599)
  httpStatus?: number;

  @Field(() => String, { nullable: true, description: 'Calls of this GraphQL operation name (exact).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  operationName?: string;

  @Field(() => String, { nullable: true, description: 'The X-Request-Id a client quoted.' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  requestId?: string;

  @Field(() => String, { nullable: true, description: 'As shown in apiKeyHint, e.g. "***a1b2".' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  apiKeyHint?: string;

  @Field(() => Int, {
    nullable: true,
    description: 'At least this many occurrences, e.g. 100 for the keys or addresses refused that often within a minute.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  minOccurrences?: number;
}
