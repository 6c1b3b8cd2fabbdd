import { GraphQLDateTimeISO } from 'graphql-scalars';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum CredentialRole {
  CLIENT = 'CLIENT',
  ADMIN = 'ADMIN',
}
registerEnumType(CredentialRole, { name: 'CredentialRole' });

@ObjectType({ description: 'An API key. The secret is never part of it.' })
export class ApiCredential {
  @Field(() => String, { description: 'The API key: sent as X-Api-Key / api_key, or as the Credential of a signature.' })
  key!: string;

  @Field(() => String)
  name!: string;

  @Field(() => CredentialRole)
  role!: CredentialRole;

  @Field(() => GraphQLDateTimeISO)
  createdAt!: Date;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  revokedAt!: Date | null;

  @Field(() => Int, {
    nullable: true,
    description:
      "This key's own limit of calls per minute, set with setRateLimit (0: no limit); null: the server's default (RATE_LIMIT_PER_MINUTE).",
  })
  rateLimitPerMinute!: number | null;
}

@ObjectType()
export class NewApiCredential {
  @Field(() => ApiCredential)
  credential!: ApiCredential;

  @Field(() => String, { description: 'The API secret. Shown only in this response: store it now.' })
  secret!: string;
}
