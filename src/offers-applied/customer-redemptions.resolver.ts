import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { Customer } from '../customers/customer.type';
import type { Page } from '../common/pagination';
import type { ResolverContext } from '../call/context';
import { OfferRedemption, OfferRedemptionConnection } from './offers-applied.type';
import type { OffersAppliedService } from './offers-applied.service';

type Context = ResolverContext<{ offersApplied: OffersAppliedService }>;

/** `Customer.redemptions`, declared here so the customers folder does not depend on offers. */
@Resolver(() => Customer)
export class CustomerRedemptionsResolver {
  @FieldResolver(() => OfferRedemptionConnection, { description: "The customer's offer redemptions, newest first." })
  redemptions(
    @Root() customer: Customer,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 20, at most 200).' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after?: string,
  ): Promise<Page<OfferRedemption>> {
    return ctx.services.offersApplied.history(customer.id, { first, after });
  }
}
