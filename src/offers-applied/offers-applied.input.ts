import { GraphQLDateTimeISO } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import {
  ArrayMaxSize,
  IsBoolean,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { CUSTOMER_ID } from '../customers/event.input';

export const MAX_CART_ITEMS = 500;
export const MAX_ITEM_TAGS = 100;
const MAX_ID = 128;

@InputType({ description: 'One line of the cart.' })
export class CartItemInput {
  @Field(() => ID, { description: 'Matched by item rules of type "product".' })
  @IsString()
  @Length(1, MAX_ID)
  product!: string;

  @Field(() => [ID], { nullable: true, description: 'Matched by item rules of type "category".' })
  @IsOptional()
  @ArrayMaxSize(MAX_ITEM_TAGS)
  @IsString({ each: true })
  @MaxLength(MAX_ID, { each: true })
  categories?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Matched by item rules of type "list".' })
  @IsOptional()
  @ArrayMaxSize(MAX_ITEM_TAGS)
  @IsString({ each: true })
  @MaxLength(MAX_ID, { each: true })
  lists?: string[] | null;

  @Field(() => Int, { description: 'Units of the product on this line, 1 to 1,000,000.' })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  quantity!: number;

  @Field(() => Float, { description: 'Price of one unit, 0 to 1,000,000,000.' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1_000_000_000)
  unitPrice!: number;
}

@InputType({ description: 'The cart an evaluation is for.' })
export class CartInput {
  @Field(() => [CartItemInput], { description: `The lines of the cart, in order (at most ${MAX_CART_ITEMS}).` })
  @ArrayMaxSize(MAX_CART_ITEMS)
  @ValidateNested({ each: true })
  items!: CartItemInput[];
}

@InputType({ description: 'What evaluateOffers evaluates the offers for.' })
export class OfferEvaluationInput {
  @Field(() => ID, { nullable: true, description: 'The customer, for segments and per-customer limits; omit for a guest.' })
  @IsOptional()
  @IsString()
  @Length(1, MAX_ID)
  customer?: string | null;

  @Field(() => ID, { nullable: true, description: 'The store the purchase is made in; offers limited to stores need it.' })
  @IsOptional()
  @IsString()
  @Length(1, MAX_ID)
  store?: string | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'The moment to evaluate at; default now.' })
  @IsOptional()
  at?: Date | null;

  @Field(() => CartInput, { description: 'The cart.' })
  @ValidateNested()
  cart!: CartInput;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description: 'Only eligible offers (default); false lists every offer with the reasons it fails.',
  })
  @IsOptional()
  @IsBoolean()
  eligibleOnly?: boolean | null;
}

@InputType({ description: 'One use of an offer by a customer.' })
export class RedeemOfferInput {
  @Field(() => ID, { description: 'The customer (opted in) who uses the offer.' })
  @IsString()
  @Length(1, MAX_ID)
  @Matches(CUSTOMER_ID, { message: 'customer may contain only letters, digits and . _ : @ -' })
  customer!: string;

  @Field(() => ID, { description: 'The offer id.' })
  @IsString()
  @Length(1, MAX_ID)
  offer!: string;

  @Field(() => String, {
    description: "The shop's id of this redemption; the same offer and transactionId again answers the first redemption.",
  })
  @IsString()
  @Length(1, 200)
  transactionId!: string;

  @Field(() => GraphQLDateTimeISO, {
    nullable: true,
    description: 'When the offer was used; default now. May lie in the past, not in the future beyond the clock skew.',
  })
  @IsOptional()
  at?: Date | null;
}
