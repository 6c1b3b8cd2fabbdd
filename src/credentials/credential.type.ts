import { GraphQLDateTimeISO } from 'graphql-scalars';
import { Field, ObjectType, registerEnumType } from 'type-graphql';

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
}

@ObjectType()
export class NewApiCredential {
  @Field(() => ApiCredential)
  credential!: ApiCredential;

  @Field(() => String, { description: 'The API secret. Shown only in this response: store it now.' })
  secret!: string;
}
