import { GraphQLDateTimeISO, GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Tier, TierLevel } from '../entities/tier/tier.type';
import { ConnectionType } from '../common/pagination';
import type { StandingSource } from './tier-standing';

// Point totals are Float in the schema: they are whole numbers, but a customer's lifetime
// total can pass GraphQL Int's 32-bit range (one event may add up to 1,000,000,000).

@ObjectType({ description: 'Points of one account that expire together.' })
export class ExpiringPoints {
  @Field(() => Float, { description: 'How many points expire at `expiresAt`.' })
  points!: number;

  @Field(() => GraphQLDateTimeISO, { description: 'The instant they stop being spendable.' })
  expiresAt!: Date;
}

@ObjectType({ description: 'The counters of one points account of a customer.' })
export class PointAccount {
  @Field(() => String, { description: 'Account name, e.g. "standard".' })
  account!: string;

  @Field(() => Float, { description: 'Points ever earned on this account.' })
  score!: number;

  @Field(() => Float, { description: 'Points spent from this account.' })
  spent!: number;

  @Field(() => Float, { description: 'Points that can still be spent now: score - spent - expired.' })
  spendable!: number;

  @Field(() => Float, { description: 'Points that reached their expiry before being spent.' })
  expired!: number;

  @Field(() => [ExpiringPoints], {
    description: 'Spendable points that have an expiry, grouped by expiry, soonest first (never-expiring points are not listed).',
  })
  expiringPoints!: ExpiringPoints[];
}

@ObjectType({ description: "A customer's standing in one active tier structure." })
export class CustomerTier {
  @Field(() => Tier, { description: 'The tier structure.' })
  tier!: Tier;

  @Field(() => TierLevel, {
    description: "The highest level whose threshold is at most the customer's tier points (`points`).",
  })
  level!: TierLevel;

  @Field(() => TierLevel, { nullable: true, description: 'The level after `level`; null at the top.' })
  next!: TierLevel | null;

  @Field(() => Int, { nullable: true, description: 'Tier points still needed to reach `next`; null at the top.' })
  pointsToNext!: number | null;

  @Field(() => Float, {
    description:
      "Tier points: the points earned on the tier's account within its window (see `Tier.expirationType`); spends do not lower them.",
  })
  points!: number;

  @Field(() => GraphQLDateTimeISO, {
    nullable: true,
    description: 'The next moment the tier points drop because earned points leave the window; null when they never will.',
  })
  expiresAt!: Date | null;

  @Field(() => Float, { nullable: true, description: 'Tier points just after `expiresAt`; null when `expiresAt` is null.' })
  pointsAfterExpiration!: number | null;
}

@ObjectType({ description: 'A loyalty program member.' })
export class Customer {
  @Field(() => ID, { description: 'The id the shop chose at opt_in.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'Email address, as last sent by opt_in or profile.' })
  email!: string | null;

  @Field(() => String, { nullable: true, description: 'First name, as last sent by opt_in or profile.' })
  firstName!: string | null;

  @Field(() => String, { nullable: true, description: 'Last name, as last sent by opt_in or profile.' })
  lastName!: string | null;

  @Field(() => String, { description: '"active" once opted in.' })
  status!: string;

  @Field(() => Float, { description: 'Points ever earned on the standard account.' })
  score!: number;

  @Field(() => Float, { description: 'Points spent from the standard account.' })
  spent!: number;

  @Field(() => Float, { description: 'Spendable points on the standard account.' })
  spendable!: number;

  @Field(() => Float, { description: 'Points of the standard account that expired unspent.' })
  expired!: number;

  @Field(() => [ExpiringPoints], { description: 'Spendable points of the standard account that will expire, soonest first.' })
  expiringPoints!: ExpiringPoints[];

  @Field(() => GraphQLDateTimeISO, {
    description:
      "When the customer opted in: the opt_in event's effective time (`data.effective_timestamp`, or when it was received).",
  })
  createdAt!: Date;

  @Field(() => [PointAccount], { description: 'Every points account, `standard` first, then by name.' })
  accounts!: PointAccount[];

  @Field(() => [ID], { description: 'Segment ids, as last sent by opt_in or profile `data.segments`; empty by default.' })
  segments!: string[];

  /** What `tiers` is computed from (not in the schema). */
  standing!: StandingSource;

  // `tiers` and `events` are field resolvers (CustomerResolver).
}

@ObjectType({ description: 'One accepted event of a customer.' })
export class CustomerEvent {
  @Field(() => ID, { description: 'The history entry id.' })
  id!: string;

  @Field(() => String, { description: 'opt_in, profile, point_add or point_spend.' })
  action!: string;

  @Field(() => GraphQLJSONObject, { description: 'The event data as accepted; a password is never kept.' })
  data!: Record<string, unknown>;

  @Field(() => GraphQLDateTimeISO, {
    description: "When the event took effect: `data.effective_timestamp`, or when it was received. The history's order.",
  })
  occurredAt!: Date;

  @Field(() => GraphQLDateTimeISO, { description: 'When the server received the event.' })
  receivedAt!: Date;

  @Field(() => String, { nullable: true, description: "The shop's own id of the event, when it sent one." })
  externalId!: string | null;

  @Field(() => Float, { nullable: true, description: 'Points added or spent; null for other actions.' })
  points!: number | null;

  @Field(() => String, { nullable: true, description: 'The points account of a point event; null for other actions.' })
  account!: string | null;

  @Field(() => GraphQLDateTimeISO, {
    nullable: true,
    description: 'When the points of a point_add expire; null when they never do and for other actions.',
  })
  expiresAt!: Date | null;
}

export const CustomerEventConnection = ConnectionType(CustomerEvent, 'CustomerEvent', 'customer events');

@ObjectType({ description: 'Why one event of a batch was refused.' })
export class EventError {
  @Field(() => String, { description: 'The error code, e.g. BAD_USER_INPUT.' })
  code!: string;

  @Field(() => String, { description: 'What was wrong, for a person.' })
  message!: string;

  @Field(() => String, { nullable: true, description: 'The input field at fault, e.g. `data.points`.' })
  field!: string | null;
}

@ObjectType({
  description:
    'The outcome of one event. submitEvent answers a refused event as an error (BAD_USER_INPUT); submitEvents answers it here, with `error`.',
})
export class EventResult {
  @Field(() => Boolean, { description: 'Whether the event was applied, or had been applied before (`duplicate`).' })
  accepted!: boolean;

  @Field(() => Boolean, {
    description: 'True when an event with the same `externalId` was already accepted for this customer: nothing changed.',
  })
  duplicate!: boolean;

  @Field(() => Customer, {
    nullable: true,
    description: 'The customer as this event left it (for a duplicate: as it is now); null for a refused event.',
  })
  customer!: Customer | null;

  @Field(() => EventError, { nullable: true, description: 'Why the event was refused; null when it was accepted.' })
  error!: EventError | null;
}

@ObjectType({ description: 'The outcome of a batch of events (submitEvents).' })
export class BulkEventResult {
  @Field(() => [EventResult], { description: 'One result per input, in the order of the inputs.' })
  results!: EventResult[];

  @Field(() => Int, { description: 'How many events were accepted (duplicates included).' })
  accepted!: number;

  @Field(() => Int, { description: 'How many events were refused.' })
  refused!: number;
}
