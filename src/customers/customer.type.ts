import { GraphQLDateTimeISO, GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Tier, TierLevel } from '../entities/tier/tier.type';
import { ConnectionType } from '../common/pagination';

// Point totals are Float in the schema: they are whole numbers, but a customer's lifetime
// total can pass GraphQL Int's 32-bit range (one event may add up to 1,000,000,000).

@ObjectType({ description: 'The counters of one points account of a customer.' })
export class PointAccount {
  @Field(() => String, { description: 'Account name, e.g. "standard".' })
  account!: string;

  @Field(() => Float, { description: 'Points ever earned on this account.' })
  score!: number;

  @Field(() => Float, { description: 'Points spent from this account.' })
  spent!: number;

  @Field(() => Float, { description: 'Points that can still be spent: score - spent.' })
  spendable!: number;
}

@ObjectType({ description: "A customer's standing in one tier structure." })
export class CustomerTier {
  @Field(() => Tier, { description: 'The tier structure.' })
  tier!: Tier;

  @Field(() => TierLevel, {
    description: "The highest level whose threshold is at most the customer's score on the tier's account.",
  })
  level!: TierLevel;

  @Field(() => TierLevel, { nullable: true, description: 'The level after `level`; null at the top.' })
  next!: TierLevel | null;

  @Field(() => Int, { nullable: true, description: 'Points still needed to reach `next`; null at the top.' })
  pointsToNext!: number | null;
}

@ObjectType({ description: 'A loyalty program member.' })
export class Customer {
  @Field(() => ID, { description: 'The customer id, as given at opt_in.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'Email address from opt_in or a later profile event.' })
  email!: string | null;

  @Field(() => String, { nullable: true, description: 'First name from opt_in or a later profile event.' })
  firstName!: string | null;

  @Field(() => String, { nullable: true, description: 'Last name from opt_in or a later profile event.' })
  lastName!: string | null;

  @Field(() => String, { description: '"active" once opted in.' })
  status!: string;

  @Field(() => Float, { description: 'Points ever earned on the standard account.' })
  score!: number;

  @Field(() => Float, { description: 'Points spent from the standard account.' })
  spent!: number;

  @Field(() => Float, { description: 'Spendable points on the standard account.' })
  spendable!: number;

  @Field(() => GraphQLDateTimeISO, { description: 'When the customer opted in.' })
  createdAt!: Date;

  @Field(() => [PointAccount], { description: 'Every points account, `standard` first, then by name.' })
  accounts!: PointAccount[];

  // `tiers` and `events` are field resolvers (CustomerResolver).
}

@ObjectType({ description: 'One accepted event of a customer.' })
export class CustomerEvent {
  @Field(() => ID, { description: 'The id of this event.' })
  id!: string;

  @Field(() => String, { description: 'What happened: opt_in, profile, point_add or point_spend.' })
  action!: string;

  @Field(() => GraphQLJSONObject, { description: 'The event data as accepted; a password is never kept.' })
  data!: Record<string, unknown>;

  @Field(() => GraphQLDateTimeISO, { description: 'When the event was accepted.' })
  occurredAt!: Date;
}

export const CustomerEventConnection = ConnectionType(CustomerEvent, 'CustomerEvent', 'customer events');

@ObjectType({ description: 'The outcome of an accepted event. A refused event is an error (BAD_USER_INPUT).' })
export class EventResult {
  @Field(() => Boolean, { description: 'Always true: a refused event answers an error instead.' })
  accepted!: boolean;

  @Field(() => Customer, { description: 'The customer as this event left it.' })
  customer!: Customer;
}
