import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { Tier } from './tier/tier.type';
import { Offer, OfferConnection } from './offer/offer.type';
import { OfferFilter } from './offer/offer.filter.input';
import { ApiEndpoint } from '../security/api-endpoint';
import { RootField } from '../auth/root-field';
import { CachedUntilRevision } from '../common/response-cache-hint';
import { AFTER_ARG, FIRST_ARG, pageOfSorted, type Page } from '../common/pagination';
import type { ResolverContext } from '../call/context';
import type { EntityStore } from './entity.store';

/** The services these resolvers use. */
type Context = ResolverContext<{ entities: EntityStore }>;

@Resolver()
export class EntitiesResolver {
  @Query(() => [Tier], { description: 'All tier structures.' })
  @RootField({ endpoint: ApiEndpoint.ENTITIES })
  @CachedUntilRevision('entities')
  tiers(@Ctx() ctx: Context): Tier[] {
    return ctx.services.entities.tiers();
  }

  @Query(() => Tier, { nullable: true, description: 'One tier structure; null when none has that id.' })
  @RootField({ endpoint: ApiEndpoint.ENTITIES })
  @CachedUntilRevision('entities')
  tier(@Arg('id', () => ID, { description: 'The tier structure id.' }) id: string, @Ctx() ctx: Context): Tier | undefined {
    return ctx.services.entities.tier(id);
  }

  @Query(() => Offer, { nullable: true, description: 'One offer; null when none has that id.' })
  @RootField({ endpoint: ApiEndpoint.ENTITIES })
  @CachedUntilRevision('entities')
  offer(@Arg('id', () => ID, { description: 'The offer id.' }) id: string, @Ctx() ctx: Context): Offer | undefined {
    return ctx.services.entities.offers().get(id);
  }

  @Query(() => OfferConnection, { description: 'Offers ordered by id, filtered, in pages.' })
  @RootField({ endpoint: ApiEndpoint.ENTITIES })
  @CachedUntilRevision('entities')
  offers(
    @Ctx() ctx: Context,
    @Arg('filter', () => OfferFilter, { nullable: true, description: 'Only offers matching every given condition.' })
    filter?: OfferFilter,
    @Arg('first', () => Int, FIRST_ARG) first?: number,
    @Arg('after', () => String, AFTER_ARG) after?: string,
  ): Page<Offer> {
    const items = ctx.services.entities.offers().query({
      activeAt: filter?.activeAt ?? undefined,
      segmentId: filter?.segmentId ?? undefined,
      storeId: filter?.storeId ?? undefined,
      type: filter?.type ?? undefined,
      cardEnabled: filter?.cardEnabled ?? undefined,
    });
    return pageOfSorted(
      items,
      { first, after },
      {
        keyOf: (offer) => offer.id,
        compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
        isKey: (key): key is string => typeof key === 'string',
        what: 'an offer',
      },
    );
  }
}
