import { GraphQLDateTimeISO, GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { FrequencyPeriod, InventoryScope, ItemRuleType, MatchMode } from './offer.enum';
import { ConnectionType } from '../../common/pagination';

@ObjectType({ description: 'A segment or store an offer is limited to.', simpleResolvers: true })
export class OfferRef {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;
}

@ObjectType({ description: 'An item rule (Antavo: an item of `required_items` / `eligible_items`).', simpleResolvers: true })
export class OfferItemRule {
  @Field(() => ItemRuleType)
  type!: ItemRuleType;

  @Field(() => Int, { nullable: true })
  minQuantity!: number | null;

  @Field(() => [String], { description: 'Category, product or list ids (Antavo: `id`).' })
  ids!: string[];
}

@ObjectType({ simpleResolvers: true })
export class OfferDiscount {
  @Field(() => String, { description: 'e.g. "fixed price", "fixed discount", "percent discount".' })
  type!: string;

  @Field(() => Float)
  value!: number;

  @Field(() => String, { nullable: true, description: 'e.g. "all items", "cheapest item", "most expensive item".' })
  target!: string | null;

  @Field(() => Int, { nullable: true })
  maxQuantity!: number | null;
}

/**
 * Views are built once per cache load with plain properties, so the read-model types use
 * type-graphql's simple resolvers: graphql-js reads the property directly instead of going
 * through a per-field middleware wrapper (the nested offers query resolves ~3,000 fields).
 */
@ObjectType({ description: 'An offer entity. Every field of the source document, in camelCase.', simpleResolvers: true })
export class Offer {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) type!: string | null;
  @Field(() => Float, { nullable: true }) weight!: number | null;
  @Field(() => String, { nullable: true }) couponPool!: string | null;
  @Field(() => Boolean, { nullable: true }) recurring!: boolean | null;
  @Field(() => GraphQLDateTimeISO, { nullable: true }) startsAt!: Date | null;
  @Field(() => GraphQLDateTimeISO, { nullable: true }) endsAt!: Date | null;
  @Field(() => Float, { nullable: true }) minTotal!: number | null;
  @Field(() => Float, { nullable: true }) maxTotal!: number | null;
  @Field(() => Int, { nullable: true }) applications!: number | null;
  @Field(() => Int, { nullable: true }) redemptionFrequencyThreshold!: number | null;
  @Field(() => FrequencyPeriod, { nullable: true }) redemptionFrequencyPeriod!: FrequencyPeriod | null;
  @Field(() => [OfferRef]) segments!: OfferRef[];
  @Field(() => [OfferRef]) stores!: OfferRef[];
  @Field(() => Boolean, { nullable: true }) exclusive!: boolean | null;
  @Field(() => MatchMode, { nullable: true }) requiredMatch!: MatchMode | null;
  @Field(() => [OfferItemRule]) requiredItems!: OfferItemRule[];
  @Field(() => MatchMode, { nullable: true }) eligibleMatch!: MatchMode | null;
  @Field(() => [OfferItemRule]) eligibleItems!: OfferItemRule[];
  @Field(() => OfferDiscount, { nullable: true }) discount!: OfferDiscount | null;
  @Field(() => Boolean, { nullable: true }) cardEnabled!: boolean | null;
  @Field(() => GraphQLJSONObject, { nullable: true }) cardTitle!: Record<string, string> | null;
  @Field(() => GraphQLJSONObject, { nullable: true }) cardDescription!: Record<string, string> | null;
  @Field(() => [String]) cardImage!: string[];
  @Field(() => GraphQLDateTimeISO, { nullable: true }) issuanceStartAt!: Date | null;
  @Field(() => GraphQLDateTimeISO, { nullable: true }) issuanceEndAt!: Date | null;
  @Field(() => Boolean, { nullable: true }) displayComingSoon!: boolean | null;
  @Field(() => Boolean, { nullable: true }) hideRestricted!: boolean | null;
  @Field(() => Int, { nullable: true }) inventorySize!: number | null;
  @Field(() => InventoryScope, { nullable: true }) inventoryScope!: InventoryScope | null;
  @Field(() => Int, { nullable: true }) issuanceFrequencyThreshold!: number | null;
  @Field(() => FrequencyPeriod, { nullable: true }) issuanceFrequencyPeriod!: FrequencyPeriod | null;

  @Field(() => GraphQLJSONObject, {
    description: 'The whole stored document in the Entities API shape, including keys this schema does not model.',
  })
  document!: Record<string, unknown>;
}

export const OfferConnection = ConnectionType(Offer, 'Offer');
