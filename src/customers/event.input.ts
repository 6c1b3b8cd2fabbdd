import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType } from 'type-graphql';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

export const EVENT_ACTIONS = ['opt_in', 'profile', 'point_add', 'point_spend'] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];

export const CUSTOMER_ID = /^[A-Za-z0-9._:@-]+$/;

@InputType({ description: 'One customer event (Events API).' })
export class EventInput {
  @Field(() => ID, { description: 'The customer id; opt_in creates the customer with it.' })
  @IsString({ message: 'customer must be a string' })
  @Length(1, 128, { message: 'customer must be 1 to 128 characters' })
  @Matches(CUSTOMER_ID, { message: 'customer may contain only letters, digits and . _ : @ -' })
  customer!: string;

  @Field(() => String, { description: `One of ${EVENT_ACTIONS.join(', ')}.` })
  @IsString({ message: 'action must be a string' })
  @IsIn(EVENT_ACTIONS as unknown as string[], { message: `action must be one of ${EVENT_ACTIONS.join(', ')}` })
  action!: string;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'opt_in / profile: email, first_name, last_name, password. point_add / point_spend: points (positive integer), account (default "standard").',
  })
  @IsOptional()
  data?: Record<string, unknown> | null;
}
