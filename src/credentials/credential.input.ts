import { Field, InputType } from 'type-graphql';
import { IsEnum, IsString, Length, Matches } from 'class-validator';
import { CredentialRole } from './credential.type';

@InputType({ description: 'A new API credential.' })
export class CreateApiCredentialInput {
  @Field(() => String, { description: 'What the integration is, e.g. "Webshop".' })
  @IsString()
  @Length(1, 100, { message: 'name must be 1 to 100 characters' })
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @Field(() => CredentialRole, { defaultValue: CredentialRole.CLIENT, description: 'CLIENT unless given.' })
  @IsEnum(CredentialRole)
  role!: CredentialRole;
}
