import { GraphQLDateTimeISO } from 'graphql-scalars';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum CredentialRole {
  CLIENT = 'CLIENT',
  ADMIN = 'ADMIN',
}
registerEnumType(CredentialRole, {
  name: 'CredentialRole',
  description: 'What a credential may do.',
  valuesConfig: {
    CLIENT: { description: 'Every API endpoint except MANAGEMENT.' },
    ADMIN: { description: 'Everything, management operations included.' },
  },
});

@ObjectType({ description: 'An API key. The secret is never part of it.' })
export class ApiCredential {
  @Field(() => String, { description: 'The API key: sent as X-Api-Key / api_key, or as the Credential of a signature.' })
  key!: string;

  @Field(() => String, { description: 'What the integration is, as given at creation.' })
  name!: string;

  @Field(() => CredentialRole, { description: 'CLIENT or ADMIN.' })
  role!: CredentialRole;

  @Field(() => GraphQLDateTimeISO, { description: 'When the key was created.' })
  createdAt!: Date;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When the key was revoked; null while it is valid.' })
  revokedAt!: Date | null;

  @Field(() => Int, {
    nullable: true,
    description:
      "This key's own limit of calls per minute, set with setRateLimit (0: no limit); null: the server's default (RATE_LIMIT_PER_MINUTE).",
  })
  rateLimitPerMinute!: number | null;
}

@ObjectType({ description: 'A key just created, with its secret (the only time the secret is shown).' })
export class NewApiCredential {
  @Field(() => ApiCredential, { description: 'The new key.' })
  credential!: ApiCredential;

  @Field(() => String, { description: 'The API secret. Shown only in this response: store it now.' })
  secret!: string;
}
