import { GraphQLDateTimeISO, GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { FrequencyPeriod, InventoryScope, ItemRuleType, MatchMode } from './offer.enum';
import { ConnectionType } from '../../common/pagination';

@ObjectType({ description: 'A segment or store an offer is limited to.', simpleResolvers: true })
export class OfferRef {
  @Field(() => ID, { description: 'The segment or store id.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'Its name, when the document gives one.' })
  name!: string | null;
}

@ObjectType({ description: 'An item rule (Antavo: an item of `required_items` / `eligible_items`).', simpleResolvers: true })
export class OfferItemRule {
  @Field(() => ItemRuleType, { description: 'What `ids` name: categories, products or lists.' })
  type!: ItemRuleType;

  @Field(() => Int, { nullable: true, description: 'How many matching items the cart must hold; null = one.' })
  minQuantity!: number | null;

  @Field(() => [String], { description: 'Category, product or list ids (Antavo: `id`).' })
  ids!: string[];
}

@ObjectType({ description: 'The discount an offer grants.', simpleResolvers: true })
export class OfferDiscount {
  @Field(() => String, { description: 'e.g. "fixed price", "fixed discount", "percent discount".' })
  type!: string;

  @Field(() => Float, { description: 'The amount: a price, an amount off, or a percentage, by `type`.' })
  value!: number;

  @Field(() => String, { nullable: true, description: 'e.g. "all items", "cheapest item", "most expensive item".' })
  target!: string | null;

  @Field(() => Int, { nullable: true, description: 'How many items at most get the discount; null = no limit.' })
  maxQuantity!: number | null;
}

/**
 * Views are built once per cache load with plain properties, so the read-model types use
 * type-graphql's simple resolvers: graphql-js reads the property directly instead of going
 * through a per-field middleware wrapper (the nested offers query resolves ~3,000 fields).
 */
@ObjectType({ description: 'An offer entity. Every field of the source document, in camelCase.', simpleResolvers: true })
export class Offer {
  @Field(() => ID, { description: 'The offer id (the document id of the Entities API).' })
  id!: string;
  @Field(() => String, { description: 'The name admins gave the offer.' })
  name!: string;
  @Field(() => String, {
    nullable: true,
    description:
      'The kind of offer as stored, e.g. "discount", "coupon", "free_shipping", "points_multiplier"; null when the document has none.',
  })
  type!: string | null;
  @Field(() => Float, { nullable: true, description: 'Ordering weight among offers shown together; higher comes first.' })
  weight!: number | null;
  @Field(() => String, {
    nullable: true,
    description: 'The coupon pool the offer hands out codes from, when it is a coupon offer.',
  })
  couponPool!: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether the offer may be applied again after it was used.' })
  recurring!: boolean | null;
  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When the offer becomes active; null = already active.' })
  startsAt!: Date | null;
  @Field(() => GraphQLDateTimeISO, {
    nullable: true,
    description: 'When the offer stops being active (exclusive); null = no end.',
  })
  endsAt!: Date | null;
  @Field(() => Float, { nullable: true, description: 'The smallest cart total the offer applies to.' })
  minTotal!: number | null;
  @Field(() => Float, { nullable: true, description: 'The largest cart total the offer applies to.' })
  maxTotal!: number | null;
  @Field(() => Int, { nullable: true, description: 'How many times the offer can be applied within one purchase.' })
  applications!: number | null;
  @Field(() => Int, {
    nullable: true,
    description: 'How many times one customer may redeem the offer per `redemptionFrequencyPeriod`.',
  })
  redemptionFrequencyThreshold!: number | null;
  @Field(() => FrequencyPeriod, {
    nullable: true,
    description: 'The period `redemptionFrequencyThreshold` counts redemptions in.',
  })
  redemptionFrequencyPeriod!: FrequencyPeriod | null;
  @Field(() => [OfferRef], { description: 'Customer segments the offer is limited to; empty = every customer.' })
  segments!: OfferRef[];
  @Field(() => [OfferRef], { description: 'Stores the offer is limited to; empty = every store.' })
  stores!: OfferRef[];
  @Field(() => Boolean, {
    nullable: true,
    description: 'Whether the offer cannot be combined with other offers in one purchase.',
  })
  exclusive!: boolean | null;
  @Field(() => MatchMode, { nullable: true, description: 'Whether all or any of `requiredItems` must be in the cart.' })
  requiredMatch!: MatchMode | null;
  @Field(() => [OfferItemRule], {
    description: 'Items that must be in the cart for the offer to apply (Antavo: `required_items`).',
  })
  requiredItems!: OfferItemRule[];
  @Field(() => MatchMode, {
    nullable: true,
    description: 'Whether all or any of `eligibleItems` decide what the discount applies to.',
  })
  eligibleMatch!: MatchMode | null;
  @Field(() => [OfferItemRule], { description: 'Items the discount applies to (Antavo: `eligible_items`).' })
  eligibleItems!: OfferItemRule[];
  @Field(() => OfferDiscount, {
    nullable: true,
    description: 'The discount the offer grants; null for offers without one (e.g. free shipping).',
  })
  discount!: OfferDiscount | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether the offer is shown as a card to customers.' })
  cardEnabled!: boolean | null;
  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Localized card title, e.g. {"en": "10% off"}.' })
  cardTitle!: Record<string, string> | null;
  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Localized card text, e.g. {"en": "On every shoe"}.' })
  cardDescription!: Record<string, string> | null;
  @Field(() => [String], { description: 'Image URLs of the card.' })
  cardImage!: string[];
  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'From when the offer can be issued to customers.' })
  issuanceStartAt!: Date | null;
  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'Until when the offer can be issued to customers.' })
  issuanceEndAt!: Date | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether the card is shown before `startsAt` as coming soon.' })
  displayComingSoon!: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether the card is hidden from customers the offer does not apply to.' })
  hideRestricted!: boolean | null;
  @Field(() => Int, { nullable: true, description: 'How many times the offer can be issued in all (see `inventoryScope`).' })
  inventorySize!: number | null;
  @Field(() => InventoryScope, {
    nullable: true,
    description: 'Whether `inventorySize` counts across all customers or per customer.',
  })
  inventoryScope!: InventoryScope | null;
  @Field(() => Int, { nullable: true, description: 'How many times the offer may be issued per `issuanceFrequencyPeriod`.' })
  issuanceFrequencyThreshold!: number | null;
  @Field(() => FrequencyPeriod, { nullable: true, description: 'The period `issuanceFrequencyThreshold` counts issuances in.' })
  issuanceFrequencyPeriod!: FrequencyPeriod | null;

  @Field(() => GraphQLJSONObject, {
    description: 'The whole stored document in the Entities API shape, including keys this schema does not model.',
  })
  document!: Record<string, unknown>;
}

export const OfferConnection = ConnectionType(Offer, 'Offer', 'offers');
