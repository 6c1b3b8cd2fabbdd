import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType } from 'type-graphql';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

export const EVENT_ACTIONS = ['opt_in', 'profile', 'point_add', 'point_spend'] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];

export const CUSTOMER_ID = /^[A-Za-z0-9._:@-]+$/;
export const MAX_EXTERNAL_ID_LENGTH = 128;
export const EXTERNAL_ID_RULE = `externalId must be 1 to ${MAX_EXTERNAL_ID_LENGTH} characters`;

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
      'opt_in / profile: email, first_name, last_name, password, segments (at most 100 segment ids). point_add / point_spend: points (positive integer), account (default "standard"); point_add also expires_at (ISO 8601, after the event\'s time; default: POINTS_VALIDITY_DAYS after it, or never). Every action: effective_timestamp (ISO 8601 with zone; when the event took effect, not in the future and, except for opt_in, not before the opt-in).',
  })
  @IsOptional()
  data?: Record<string, unknown> | null;

  @Field(() => String, {
    nullable: true,
    description: `The shop's own id of the event, at most ${MAX_EXTERNAL_ID_LENGTH} characters. An event whose externalId was already accepted for the customer changes nothing and answers duplicate: true.`,
  })
  @IsOptional()
  @IsString({ message: 'externalId must be a string' })
  @Length(1, MAX_EXTERNAL_ID_LENGTH, { message: EXTERNAL_ID_RULE })
  externalId?: string | null;
}
