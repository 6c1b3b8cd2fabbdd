import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { ApiEndpoint } from '../security/api-endpoint';
import { RootField } from '../auth/root-field';
import type { ResolverContext } from '../call/context';
import { OfferEvaluationInput, RedeemOfferInput } from './offers-applied.input';
import { OfferEvaluation, OfferRedemption } from './offers-applied.type';
import type { OffersAppliedService } from './offers-applied.service';

/** The services these resolvers use. */
type Context = ResolverContext<{ offersApplied: OffersAppliedService }>;

@Resolver()
export class OffersAppliedResolver {
  @Query(() => [OfferEvaluation], {
    description:
      'Which offers a cart earns and the discount each gives, ordered by weight descending, then id. A read: changes nothing.',
  })
  @RootField({ endpoint: ApiEndpoint.OFFERS })
  evaluateOffers(
    @Arg('input', () => OfferEvaluationInput, { description: 'The cart, and who buys it where and when.' })
    input: OfferEvaluationInput,
    @Ctx() ctx: Context,
  ): Promise<OfferEvaluation[]> {
    return ctx.services.offersApplied.evaluate({
      customer: input.customer,
      store: input.store,
      at: input.at,
      items: input.cart.items,
      eligibleOnly: input.eligibleOnly,
    });
  }

  @Mutation(() => OfferRedemption, {
    description:
      'Records one use of an offer by a customer, within its time windows and limits. A refusal is BAD_USER_INPUT with extensions.reason and changes nothing; the same offer and transactionId again answers the first redemption (duplicate: true).',
  })
  @RootField({ endpoint: ApiEndpoint.OFFERS })
  redeemOffer(
    @Arg('input', () => RedeemOfferInput, { description: 'Who uses which offer, in which transaction, when.' })
    input: RedeemOfferInput,
    @Ctx() ctx: Context,
  ): Promise<OfferRedemption> {
    return ctx.services.offersApplied.redeem(input);
  }
}
