import { GraphQLDateTimeISO } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Offer } from '../entities/offer/offer.type';
import { ConnectionType } from '../common/pagination';
import { OfferIneligibility } from './ineligibility.enum';

@ObjectType({ description: 'The units of one product an offer discounts.', simpleResolvers: true })
export class DiscountedItem {
  @Field(() => ID, { description: 'The product id of the cart line(s).' })
  product!: string;

  @Field(() => Int, { description: 'Discounted units of the product.' })
  quantity!: number;

  @Field(() => Float, { description: 'Money off those units: the sum of the per-unit amounts, each rounded to 2 decimals.' })
  amount!: number;
}

@ObjectType({ description: 'One offer evaluated against a cart.', simpleResolvers: true })
export class OfferEvaluation {
  @Field(() => Offer, { description: 'The offer.' })
  offer!: Offer;

  @Field(() => Boolean, { description: 'Whether the cart earns the offer.' })
  eligible!: boolean;

  @Field(() => [OfferIneligibility], {
    description:
      'Every rule the offer fails, in the enum order; empty when eligible (EXCLUSIVE alone when an exclusive offer wins).',
  })
  reasons!: OfferIneligibility[];

  @Field(() => Float, { description: 'Money off the cart; 0 when not eligible or outranked by an exclusive offer.' })
  discount!: number;

  @Field(() => [DiscountedItem], { description: 'One entry per discounted product.' })
  discountedItems!: DiscountedItem[];
}

@ObjectType({ description: 'One recorded use of an offer by a customer.', simpleResolvers: true })
export class OfferRedemption {
  @Field(() => ID, { description: 'The redemption id.' })
  id!: string;

  @Field(() => ID, { description: 'The offer id.' })
  offerId!: string;

  @Field(() => Offer, { nullable: true, description: 'The offer; null when it has been deleted since.' })
  offer!: Offer | null;

  @Field(() => ID, { description: 'The customer id.' })
  customerId!: string;

  @Field(() => String, { description: "The shop's transaction id." })
  transactionId!: string;

  @Field(() => GraphQLDateTimeISO, { description: 'When the offer was used (the input `at`).' })
  redeemedAt!: Date;

  @Field(() => GraphQLDateTimeISO, { description: 'When the redemption was recorded.' })
  recordedAt!: Date;

  @Field(() => Boolean, { description: 'True when this answers a repeat of an earlier transactionId: nothing new was counted.' })
  duplicate!: boolean;
}

export const OfferRedemptionConnection = ConnectionType(OfferRedemption, 'OfferRedemption', 'redemptions');
