import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { ApiEndpoint, EndpointLifecycle } from './api-endpoint';

export enum SecurityModule {
  IP_FILTER = 'IP_FILTER',
  SIGNATURE_CHECK = 'SIGNATURE_CHECK',
}
registerEnumType(SecurityModule, {
  name: 'SecurityModule',
  description: 'Switches that must be on before IP filters or signature enforcement apply.',
});

@ObjectType()
export class SecurityModuleState {
  @Field(() => SecurityModule)
  module!: SecurityModule;

  @Field(() => Boolean)
  enabled!: boolean;
}

@ObjectType({ description: 'The security settings of one API endpoint.' })
export class EndpointSecurity {
  @Field(() => ApiEndpoint)
  endpoint!: ApiEndpoint;

  @Field(() => String)
  label!: string;

  @Field(() => EndpointLifecycle)
  lifecycle!: EndpointLifecycle;

  @Field(() => [String], {
    description: 'Allowed client addresses and CIDR ranges, normalised. Empty = any address.',
  })
  ipFilters!: string[];

  @Field(() => Boolean, { description: 'Plain-key requests are refused while SIGNATURE_CHECK is on.' })
  signatureEnforced!: boolean;
}

@ObjectType()
export class SecuritySettings {
  @Field(() => [String], {
    description:
      'Consequences of the current settings an admin should know, e.g. that Apollo Sandbox cannot sign requests once MANAGEMENT enforces signatures.',
  })
  warnings!: string[];

  @Field(() => [SecurityModuleState])
  modules!: SecurityModuleState[];

  @Field(() => Boolean)
  ipFilterEnabled!: boolean;

  @Field(() => Boolean)
  signatureCheckEnabled!: boolean;

  @Field(() => [EndpointSecurity])
  endpoints!: EndpointSecurity[];
}
