import { GraphQLDateTimeISO } from 'graphql-scalars';
import { Field, ID, InputType } from 'type-graphql';
import { IsOptional, IsString, MaxLength } from 'class-validator';

@InputType({ description: 'All given conditions must hold.' })
export class OfferFilter {
  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'Offers running at this instant: startsAt ≤ t < endsAt.' })
  @IsOptional()
  activeAt?: Date;

  @Field(() => ID, { nullable: true, description: 'Offers limited to this segment.' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  segmentId?: string;

  @Field(() => ID, { nullable: true, description: 'Offers limited to this store.' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  storeId?: string;

  @Field(() => String, { nullable: true, description: 'Offers of this type, e.g. "discount" (as stored).' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  type?: string;

  @Field(() => Boolean, { nullable: true, description: 'Offers whose card is enabled (true) or not (false).' })
  @IsOptional()
  cardEnabled?: boolean;
}
