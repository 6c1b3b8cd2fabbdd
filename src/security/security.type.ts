import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { ApiEndpoint, EndpointLifecycle } from './api-endpoint';

export enum SecurityModule {
  IP_FILTER = 'IP_FILTER',
  SIGNATURE_CHECK = 'SIGNATURE_CHECK',
}
registerEnumType(SecurityModule, {
  name: 'SecurityModule',
  description: 'Switches that must be on before IP filters or signature enforcement apply.',
  valuesConfig: {
    IP_FILTER: { description: 'While on, an endpoint with IP filter entries refuses other addresses (403 FORBIDDEN).' },
    SIGNATURE_CHECK: { description: 'While on, an endpoint with signature enforcement refuses plain-key requests (401).' },
  },
});

@ObjectType({ description: 'Whether one security module is on.' })
export class SecurityModuleState {
  @Field(() => SecurityModule, { description: 'The module.' })
  module!: SecurityModule;

  @Field(() => Boolean, { description: 'True while the module is on. Both modules are off until an admin turns them on.' })
  enabled!: boolean;
}

@ObjectType({ description: 'The security settings of one API endpoint.' })
export class EndpointSecurity {
  @Field(() => ApiEndpoint, { description: 'The endpoint.' })
  endpoint!: ApiEndpoint;

  @Field(() => String, { description: 'Its name on the API settings page, e.g. "Entities API".' })
  label!: string;

  @Field(() => EndpointLifecycle, { description: 'Whether the endpoint is active, legacy or deprecated soon.' })
  lifecycle!: EndpointLifecycle;

  @Field(() => [String], {
    description: 'Allowed client addresses and CIDR ranges, normalised. Empty = any address.',
  })
  ipFilters!: string[];

  @Field(() => Boolean, { description: 'Plain-key requests are refused while SIGNATURE_CHECK is on.' })
  signatureEnforced!: boolean;
}

@ObjectType({ description: 'The API security settings: the two modules and every endpoint.' })
export class SecuritySettings {
  @Field(() => [String], {
    description:
      'Consequences of the current settings an admin should know, e.g. that Apollo Sandbox cannot sign requests once MANAGEMENT enforces signatures.',
  })
  warnings!: string[];

  @Field(() => [SecurityModuleState], { description: 'Both modules with their state.' })
  modules!: SecurityModuleState[];

  @Field(() => Boolean, { description: 'Whether the IP_FILTER module is on.' })
  ipFilterEnabled!: boolean;

  @Field(() => Boolean, { description: 'Whether the SIGNATURE_CHECK module is on.' })
  signatureCheckEnabled!: boolean;

  @Field(() => [EndpointSecurity], { description: 'Every endpoint, in the order of ApiEndpoint.' })
  endpoints!: EndpointSecurity[];
}
