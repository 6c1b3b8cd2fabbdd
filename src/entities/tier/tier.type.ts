import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { TierWindow } from './tier-rules';

@ObjectType({ description: 'One level of a tier structure (Antavo: an item of `tiers`).', simpleResolvers: true })
export class TierLevel {
  @Field(() => ID, { description: 'The level id, unique within its tier structure.' })
  id!: string;

  @Field(() => GraphQLJSONObject, { description: 'Localized name, e.g. {"en": "Basic"}.' })
  name!: Record<string, string>;

  @Field(() => Float, { description: 'Points on the tier account needed to reach this level.' })
  threshold!: number;
}

@ObjectType({ description: 'A tier structure: a points account and its levels.', simpleResolvers: true })
export class Tier {
  @Field(() => ID, { description: 'The tier structure id (`/entities/tiers/tier/<id>`).' })
  id!: string;

  @Field(() => String, { description: 'The tier structure name.' })
  name!: string;

  @Field(() => Int, {
    nullable: true,
    description:
      'For a `rolling` tier, how many calendar months of earned points count (stored as the source sends it, e.g. "12").',
  })
  rollingMonths!: number | null;

  @Field(() => [String], {
    description: 'For a `calendar` tier, the yearly dates ("MM-DD", 00:00 UTC) at which tier points start counting afresh.',
  })
  calendarExpirations!: string[];

  @Field(() => String, { description: 'The points account the thresholds are counted on.' })
  account!: string;

  @Field(() => String, { nullable: true, description: 'Only `active` tiers are evaluated for customers.' })
  status!: string | null;

  @Field(() => String, { nullable: true, description: 'The kind of tier structure, e.g. `point_based`.' })
  type!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Which earned points count: `none` (all), `rolling` (the last `rollingMonths` months), `calendar` (since the latest `calendarExpirations` date) or `anniversary` (since the latest anniversary of the opt-in).',
  })
  expirationType!: string | null;

  @Field(() => [TierLevel], { description: 'Levels ordered by threshold (Antavo: `tiers`).' })
  levels!: TierLevel[];

  @Field(() => GraphQLJSONObject, {
    description: 'The whole stored document in the Entities API shape, including keys this schema does not model.',
  })
  document!: Record<string, unknown>;

  /** The window its tier points are counted in, parsed once when the cache loads (not in the schema). */
  window!: TierWindow;
}
