import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Customer, CustomerEvent, CustomerEventConnection, CustomerTier, EventResult } from './customer.type';
import { EventInput } from './event.input';
import { tierStanding } from './tier-standing';
import type { Tier } from '../entities/tier/tier.type';
import { ApiEndpoint } from '../security/api-endpoint';
import { RootField } from '../auth/root-field';
import { AFTER_ARG, FIRST_ARG, type Page } from '../common/pagination';
import type { ResolverContext } from '../call/context';
import type { CustomerService } from './customer.service';
import type { EntityStore } from '../entities/entity.store';

/** The services these resolvers use. */
type Context = ResolverContext<{ customers: CustomerService; entities: EntityStore }>;

/**
 * The tier entities a response uses, taken from the in-memory entity cache once per request,
 * so every customer of one response is ranked against the same generation of tiers even if
 * the cache reloads meanwhile. Keyed weakly by the request context: nothing outlives it.
 */
const tiersOfRequest = new WeakMap<Context, Tier[]>();

function requestTiers(ctx: Context): Tier[] {
  let tiers = tiersOfRequest.get(ctx);
  if (!tiers) {
    tiers = ctx.services.entities.tiers();
    tiersOfRequest.set(ctx, tiers);
  }
  return tiers;
}

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => Customer, { nullable: true, description: 'One customer; null when no customer has that id.' })
  @RootField({ endpoint: ApiEndpoint.CUSTOMER })
  customer(
    @Arg('id', () => ID, { description: 'The customer id (as given at opt_in).' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<Customer | null> {
    return ctx.services.customers.find(id);
  }

  @FieldResolver(() => [CustomerTier], { description: 'Standing in every tier structure that has levels.' })
  tiers(@Root() customer: Customer, @Ctx() ctx: Context): CustomerTier[] {
    // No database call: the tiers come from the entity cache, once per request.
    return tierStanding(requestTiers(ctx), customer.accounts);
  }

  @FieldResolver(() => CustomerEventConnection, { description: 'Accepted events, newest first.' })
  events(
    @Root() customer: Customer,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, FIRST_ARG) first?: number,
    @Arg('after', () => String, AFTER_ARG) after?: string,
  ): Promise<Page<CustomerEvent>> {
    return ctx.services.customers.history(customer.id, { first, after });
  }
}

@Resolver()
export class EventResolver {
  @Mutation(() => EventResult, {
    description:
      'Applies one customer event atomically. A refused event (bad data, unknown customer, spend beyond the balance, duplicate opt_in) is BAD_USER_INPUT and changes nothing.',
  })
  @RootField({ endpoint: ApiEndpoint.EVENTS })
  async submitEvent(
    @Arg('input', () => EventInput, { description: 'The event: customer, action and its data.' }) input: EventInput,
    @Ctx() ctx: Context,
  ): Promise<EventResult> {
    const customer = await ctx.services.customers.submit(input, ctx.auth.keyHint);
    return { accepted: true, customer };
  }
}
