import { ArgsType, Field } from 'type-graphql';
import { IsBoolean, IsEnum, IsString, MaxLength, ValidateBy, type ValidationOptions } from 'class-validator';
import { ApiEndpoint } from './api-endpoint';
import { SecurityModule } from './security.type';
import { parseIpEntry } from '../ip/ip-entry';

/** The entry must parse; the message is the parser's own, which says what a valid entry is. */
function IsIpFilterEntry(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIpFilterEntry',
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string') return false;
          try {
            parseIpEntry(value);
            return true;
          } catch {
            return false;
          }
        },
        defaultMessage(args) {
          try {
            parseIpEntry(String(args?.value));
          } catch (err) {
            return (err as Error).message;
          }
          return 'entry must be an IP address or CIDR range';
        },
      },
    },
    options,
  );
}

@ArgsType()
export class IpFilterArgs {
  @Field(() => ApiEndpoint, { description: 'The endpoint whose IP filter changes.' })
  @IsEnum(ApiEndpoint)
  endpoint!: ApiEndpoint;

  @Field(() => String, { description: 'An address (192.168.1.2, 2001:db8::1) or a CIDR range (192.168.0.0/24).' })
  @IsString()
  @MaxLength(100)
  @IsIpFilterEntry()
  entry!: string;
}

@ArgsType()
export class SecurityModuleArgs {
  @Field(() => SecurityModule, { description: 'The module to switch.' })
  @IsEnum(SecurityModule)
  module!: SecurityModule;

  @Field(() => Boolean, { description: 'true turns it on, false off.' })
  @IsBoolean()
  enabled!: boolean;
}

@ArgsType()
export class SignatureEnforcementArgs {
  @Field(() => ApiEndpoint, { description: 'The endpoint to change.' })
  @IsEnum(ApiEndpoint)
  endpoint!: ApiEndpoint;

  @Field(() => Boolean, { description: 'true: only signed requests pass (while SIGNATURE_CHECK is on); false: plain keys too.' })
  @IsBoolean()
  enforced!: boolean;
}
