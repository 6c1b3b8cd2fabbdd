import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One level of a tier structure (Antavo: an item of `tiers`).', simpleResolvers: true })
export class TierLevel {
  @Field(() => ID, { description: 'The level id.' })
  id!: string;

  @Field(() => GraphQLJSONObject, { description: 'Localized name, e.g. {"en": "Basic"}.' })
  name!: Record<string, string>;

  @Field(() => Float, { description: 'Points on the tier account needed to reach this level.' })
  threshold!: number;
}

@ObjectType({ description: 'A tier structure: a points account and its levels.', simpleResolvers: true })
export class Tier {
  @Field(() => ID, { description: 'The tier structure id.' })
  id!: string;

  @Field(() => String, { description: 'The name admins gave the tier structure.' })
  name!: string;

  @Field(() => Int, { nullable: true, description: 'Stored as the source sends it (e.g. "12").' })
  rollingMonths!: number | null;

  @Field(() => [GraphQLJSONObject], { description: 'Calendar expiration settings as stored.' })
  calendarExpirations!: Record<string, unknown>[];

  @Field(() => String, { description: 'The points account the thresholds are counted on.' })
  account!: string;

  @Field(() => String, { nullable: true, description: 'As stored, e.g. "active".' })
  status!: string | null;

  @Field(() => String, { nullable: true, description: 'As stored, e.g. "point_based".' })
  type!: string | null;

  @Field(() => String, { nullable: true, description: 'How levels expire, as stored, e.g. "none".' })
  expirationType!: string | null;

  @Field(() => [TierLevel], { description: 'Levels ordered by threshold (Antavo: `tiers`).' })
  levels!: TierLevel[];

  @Field(() => GraphQLJSONObject, {
    description: 'The whole stored document in the Entities API shape, including keys this schema does not model.',
  })
  document!: Record<string, unknown>;
}
