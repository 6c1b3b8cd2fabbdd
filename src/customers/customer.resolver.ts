import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { BulkEventResult, Customer, CustomerEvent, CustomerEventConnection, CustomerTier, EventResult } from './customer.type';
import { EventInput } from './event.input';
import { tierStanding } from './tier-standing';
import type { Tier } from '../entities/tier/tier.type';
import { ApiEndpoint } from '../security/api-endpoint';
import { RootField } from '../auth/root-field';
import { AFTER_ARG, FIRST_ARG, type Page } from '../common/pagination';
import type { ResolverContext } from '../call/context';
import { MAX_BATCH, type CustomerService } from './customer.service';
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
  customer(@Arg('id', () => ID, { description: 'The customer id.' }) id: string, @Ctx() ctx: Context): Promise<Customer | null> {
    return ctx.services.customers.find(id);
  }

  @FieldResolver(() => [CustomerTier], {
    description:
      'Standing in every active tier structure whose lowest level the tier points reach, on the tier points counted by its rules.',
  })
  tiers(@Root() customer: Customer, @Ctx() ctx: Context): CustomerTier[] {
    // No database call: the tiers come from the entity cache, once per request, and the
    // earned days from the customer document already read.
    return tierStanding(requestTiers(ctx), customer.standing);
  }

  @FieldResolver(() => CustomerEventConnection, { description: 'Accepted events, newest effective time first.' })
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
      'Applies one customer event atomically. A refused event (bad data, unknown customer, spend beyond the balance, duplicate opt_in, a bad effective_timestamp or expires_at) is BAD_USER_INPUT naming the field and changes nothing. A repeat of an accepted externalId answers duplicate: true and changes nothing.',
  })
  @RootField({ endpoint: ApiEndpoint.EVENTS })
  async submitEvent(
    @Arg('input', () => EventInput, { description: 'The event.' }) input: EventInput,
    @Ctx() ctx: Context,
  ): Promise<EventResult> {
    const { customer, duplicate } = await ctx.services.customers.apply(input, ctx.auth.keyHint);
    return { accepted: true, duplicate, customer, error: null };
  }

  @Mutation(() => BulkEventResult, {
    description: `Applies 1 to ${MAX_BATCH} events in order, each on its own: a refused event is reported in its result (error) and the others still apply. More than ${MAX_BATCH} (or none) is BAD_USER_INPUT for the whole call, and nothing is applied.`,
  })
  @RootField({ endpoint: ApiEndpoint.EVENTS })
  submitEvents(
    // Checked per event by the service, so one malformed event does not refuse the batch.
    @Arg('inputs', () => [EventInput], { validate: false, description: `1 to ${MAX_BATCH} events.` }) inputs: EventInput[],
    @Ctx() ctx: Context,
  ): Promise<BulkEventResult> {
    return ctx.services.customers.applyBatch(inputs, ctx.auth.keyHint, ctx.call.requestId);
  }
}
