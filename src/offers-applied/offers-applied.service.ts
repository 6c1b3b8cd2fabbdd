import { Types } from 'mongoose';
import type { ClientSession, Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { badUserInput } from '../common/errors';
import { pageNewestFirst, type Page, type PageArgs } from '../common/pagination';
import type { AtomicWrites } from '../db/transactions';
import type { EntityStore } from '../entities/entity.store';
import { customerModels } from '../customers/customer.model';
import { catalogOf, type OfferCatalog } from './catalog';
import { IndexedCart, type CartItem } from './cart';
import { applyExclusivity, applyLimits, evaluateRules, type Evaluation } from './evaluate';
import { OfferIneligibility } from './ineligibility.enum';
import { customerCap, hasLimits, limitReasons, NO_USAGE, type Usage } from './limits';
import {
  customerCounterId,
  globalCounterId,
  rawCounters,
  rawRedemptions,
  redemptionModels,
  type CounterDoc,
  type RedemptionDoc,
  type RedemptionModels,
} from './redemption.model';
import type { CompiledOffer, CompiledRules } from './rules';
import { periodKey, windowReasons, type Period } from './windows';
import type { OfferEvaluation, OfferRedemption } from './offers-applied.type';

export interface EvaluationRequest {
  customer?: string | null;
  store?: string | null;
  at?: Date | null;
  items: readonly {
    product: string;
    categories?: readonly string[] | null;
    lists?: readonly string[] | null;
    quantity: number;
    unitPrice: number;
  }[];
  eligibleOnly?: boolean | null;
}

export interface RedemptionRequest {
  customer: string;
  offer: string;
  transactionId: string;
  at?: Date | null;
}

/** The customer fields this folder reads; `segments` is written by the customers' events (missing = none). */
interface CustomerSegmentsDoc {
  _id: string;
  segments?: unknown;
}

const PERIODS: readonly Period[] = ['day', 'week', 'month', 'year'];

const isDuplicateKey = (err: unknown) => (err as { code?: unknown })?.code === 11000;

/** A repeat of a transactionId met while storing: answered with the first redemption once the work has been undone. */
class RepeatedTransaction extends Error {}

function refusal(reason: OfferIneligibility, message: string) {
  return badUserInput(message, { reason });
}

const REFUSAL_TEXT: Record<OfferIneligibility, string> = {
  NOT_STARTED: 'has not started yet at that time',
  ENDED: 'has ended at that time',
  NOT_ISSUED_YET: 'is not issued yet at that time',
  ISSUANCE_ENDED: 'is no longer issued at that time',
  STORE: 'is not available in that store',
  SEGMENT: "is not available to the customer's segments",
  MIN_TOTAL: 'needs a larger total',
  MAX_TOTAL: 'needs a smaller total',
  REQUIRED_ITEMS: 'needs other items',
  NO_ELIGIBLE_ITEMS: 'has no eligible items',
  APPLICATIONS_USED: 'has been used by this customer as many times as its applications allow',
  FREQUENCY: 'has been used by this customer as often as its redemption frequency allows in this period',
  OUT_OF_STOCK: 'is out of stock',
  EXCLUSIVE: 'is outranked by an exclusive offer',
  INVALID_RULES: 'has rules that cannot be evaluated',
};

/**
 * Offers applied (CONTRACT §9): evaluation of a cart over the in-memory offer cache, and
 * redemptions held to the offers' limits by counters in MongoDB. A redemption is one
 * transaction where MongoDB has them; every counter write is conditional on its limit
 * either way, so no limit can be passed, by any number of concurrent calls or instances.
 */
export class OffersAppliedService {
  readonly models: RedemptionModels;
  private readonly customers: Collection<CustomerSegmentsDoc>;

  constructor(
    connection: Connection,
    private readonly entities: EntityStore,
    private readonly atomic: AtomicWrites,
    private readonly options: { clockSkewSeconds: number },
  ) {
    this.models = redemptionModels(connection);
    this.customers = customerModels(connection).customer.collection as unknown as Collection<CustomerSegmentsDoc>;
  }

  async start(): Promise<void> {
    await Promise.all([this.models.redemption.init(), this.models.counter.init()]);
  }

  private get redemptions() {
    return rawRedemptions(this.models.redemption);
  }

  private get counters() {
    return rawCounters(this.models.counter);
  }

  private catalog(): OfferCatalog {
    return catalogOf(this.entities.offers());
  }

  // ---- evaluation -------------------------------------------------------------------------

  async evaluate(request: EvaluationRequest): Promise<OfferEvaluation[]> {
    const catalog = this.catalog();
    const at = request.at ?? new Date();
    const eligibleOnly = request.eligibleOnly !== false;
    const customer = request.customer ?? null;
    // The customer's counters are few (one per offer they used): read with the segments, in parallel.
    const [segments, customerCounters] =
      customer === null ? [null, []] : await Promise.all([this.segmentsOf(customer), this.counters.find({ customer }).toArray()]);
    const cart = new IndexedCart(
      request.items.map((item): CartItem => ({
        product: item.product,
        categories: item.categories ?? [],
        lists: item.lists ?? [],
        quantity: item.quantity,
        unitPrice: item.unitPrice,
      })),
    );
    const shopper = { store: request.store ?? null, segments: segments === null ? null : new Set(segments) };
    // Only eligible offers are answered by default: the store and segment posting lists
    // leave out every offer those rules already rule out, before anything else is looked at.
    const positions = eligibleOnly ? catalog.candidates(shopper.store, segments ?? []) : catalog.ranked.map((_, i) => i);
    const time = at.getTime();
    let evaluations = positions.map((p) => evaluateRules(catalog.ranked[p], cart, shopper, time, !eligibleOnly));
    if (eligibleOnly) evaluations = evaluations.filter((e) => e.eligible);

    const limited = evaluations.filter((e) => e.compiled.rules !== undefined && hasLimits(e.compiled.rules.limits));
    if (limited.length > 0) {
      const usage = await this.usageOf(
        limited.map((e) => e.compiled),
        customer,
        customerCounters,
        at,
      );
      for (const e of limited) applyLimits(e, usage.get(e.compiled.id) ?? NO_USAGE, customer !== null);
      if (eligibleOnly) evaluations = evaluations.filter((e) => e.eligible);
    }
    applyExclusivity(evaluations);
    return evaluations.map(toEvaluation);
  }

  private async segmentsOf(customer: string): Promise<string[]> {
    const doc = await this.customers.findOne({ _id: customer }, { projection: { segments: 1 } });
    if (!doc) {
      throw badUserInput(`unknown customer "${customer}": omit customer for a guest, or send an opt_in event first`, {
        field: 'customer',
      });
    }
    return Array.isArray(doc.segments) ? doc.segments.filter((s): s is string => typeof s === 'string') : [];
  }

  /** The counters of these offers: the customer's already read, the global ones in one query. */
  private async usageOf(
    offers: readonly CompiledOffer[],
    customer: string | null,
    customerCounters: readonly CounterDoc[],
    at: Date,
  ): Promise<Map<string, Usage>> {
    const globalIds = offers.filter((o) => o.rules?.limits.inventory?.scope === 'global').map((o) => globalCounterId(o.id));
    const globals = globalIds.length === 0 ? [] : await this.counters.find({ _id: { $in: globalIds } }).toArray();
    const byId = new Map([...globals, ...customerCounters].map((d) => [d._id, d]));
    const usage = new Map<string, Usage>();
    for (const offer of offers) {
      const c = customer === null ? undefined : byId.get(customerCounterId(offer.id, customer));
      usage.set(offer.id, usageFrom(offer.rules!, byId.get(globalCounterId(offer.id)), c, at));
    }
    return usage;
  }

  // ---- redemption -------------------------------------------------------------------------

  async redeem(request: RedemptionRequest): Promise<OfferRedemption> {
    const now = new Date();
    const at = request.at ?? now;
    const skewMs = this.options.clockSkewSeconds * 1000;
    if (at.getTime() > now.getTime() + skewMs) {
      throw badUserInput(
        `at (${at.toISOString()}) lies in the future: it may be at most ${this.options.clockSkewSeconds} seconds after the server's time (${now.toISOString()})`,
        { field: 'at' },
      );
    }
    const compiled = this.catalog().get(request.offer);
    // A global inventory is one counter every redemption of the offer writes: those run one
    // after another in this instance instead of aborting each other's transactions.
    const contendedKey =
      compiled?.rules?.limits.inventory?.scope === 'global'
        ? `offer:${request.offer}`
        : `offer:${request.offer}:customer:${request.customer}`;
    try {
      return await this.atomic.run((session) => this.redeemOnce(request, at, now, session), { contendedKey });
    } catch (err) {
      if (!(err instanceof RepeatedTransaction)) throw err;
      const first = await this.redemptions.findOne({ offer: request.offer, transactionId: request.transactionId });
      if (!first) throw new Error('a repeated transactionId was reported but its first redemption is not stored');
      return this.toRedemption(first, true);
    }
  }

  private async redeemOnce(
    request: RedemptionRequest,
    at: Date,
    now: Date,
    session: ClientSession | undefined,
  ): Promise<OfferRedemption> {
    const { offer: offerId, customer, transactionId } = request;
    // A repeat answers the first redemption whatever the offer's state now (it may be used up since).
    const first = await this.redemptions.findOne({ offer: offerId, transactionId }, { session });
    if (first) return this.toRedemption(first, true);

    // Read in the transaction: the same generation decides every rule of this attempt.
    const offer = this.catalog().get(offerId);
    if (!offer) throw badUserInput(`unknown offer "${offerId}"`, { field: 'offer' });
    if (!offer.rules)
      throw refusal(OfferIneligibility.INVALID_RULES, `offer "${offerId}" has rules that cannot be evaluated (${offer.invalid})`);
    const rules = offer.rules;
    const reasons: OfferIneligibility[] = [];
    windowReasons(at.getTime(), rules.run, rules.issuance, reasons);
    if (reasons.length > 0) throw refusal(reasons[0], `offer "${offerId}" ${REFUSAL_TEXT[reasons[0]]} (${at.toISOString()})`);

    const known = await this.customers.findOne({ _id: customer }, { projection: { _id: 1 }, session });
    if (!known) throw badUserInput(`unknown customer "${customer}": send an opt_in event first`, { field: 'customer' });

    const gId = globalCounterId(offerId);
    const cId = customerCounterId(offerId, customer);
    const global = rules.limits.inventory?.scope === 'global';
    const [g, c] = await Promise.all([
      global ? this.counters.findOne({ _id: gId }, { session }) : null,
      this.counters.findOne({ _id: cId }, { session }),
    ]);
    limitReasons(rules.limits, usageFrom(rules, g ?? undefined, c ?? undefined, at), true, reasons);
    if (reasons.length > 0) throw refusal(reasons[0], `offer "${offerId}" ${REFUSAL_TEXT[reasons[0]]}`);

    // The writes. Each filter carries its limit, so a counter that moved since the reads
    // above refuses the write instead of passing the limit. Without a transaction, writes
    // already made are undone before a refusal (in one they are rolled back).
    const undo: (() => Promise<unknown>)[] = [];
    const refuse = async (err: unknown) => {
      if (!session) for (const step of undo.reverse()) await step();
      return err;
    };

    const keys = PERIODS.map((p) => `periods.${periodKey(p, at)}`);
    const customerFilter: Record<string, unknown> = { _id: cId };
    const cap = customerCap(rules.limits);
    if (cap !== null) customerFilter.uses = { $lt: cap };
    if (rules.limits.frequency) {
      customerFilter[`periods.${periodKey(rules.limits.frequency.period, at)}`] = {
        $not: { $gte: rules.limits.frequency.threshold },
      };
    }
    // Every period is counted, not only the offer's: a frequency set later counts the uses before it.
    const inc: Record<string, number> = Object.fromEntries([['uses', 1], ...keys.map((k) => [k, 1])]);
    try {
      await this.counters.updateOne(
        customerFilter,
        { $inc: inc, $setOnInsert: { offer: offerId, customer } },
        { upsert: true, session },
      );
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      throw await refuse(await this.concurrentRefusal(offerId, rules, customer, at));
    }
    undo.push(() =>
      this.counters.updateOne({ _id: cId }, { $inc: Object.fromEntries(Object.entries(inc).map(([k, v]) => [k, -v] as const)) }),
    );

    if (global) {
      try {
        await this.counters.updateOne(
          { _id: gId, uses: { $lt: rules.limits.inventory!.size } },
          { $inc: { uses: 1 }, $setOnInsert: { offer: offerId } },
          { upsert: true, session },
        );
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        throw await refuse(refusal(OfferIneligibility.OUT_OF_STOCK, `offer "${offerId}" ${REFUSAL_TEXT.OUT_OF_STOCK}`));
      }
      undo.push(() => this.counters.updateOne({ _id: gId }, { $inc: { uses: -1 } }));
    }

    const doc: RedemptionDoc = {
      _id: new Types.ObjectId(),
      offer: offerId,
      customer,
      transactionId,
      occurredAt: at,
      recordedAt: now,
    };
    try {
      await this.redemptions.insertOne(doc, { session });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      throw await refuse(new RepeatedTransaction());
    }
    return this.toRedemption(doc, false);
  }

  /** Why a conditional counter write found its limit reached: read the counters as they are now. */
  private async concurrentRefusal(offerId: string, rules: CompiledRules, customer: string, at: Date) {
    const docs = await this.counters
      .find({ _id: { $in: [globalCounterId(offerId), customerCounterId(offerId, customer)] } })
      .toArray();
    const byId = new Map(docs.map((d) => [d._id, d]));
    const reasons: OfferIneligibility[] = [];
    limitReasons(
      rules.limits,
      usageFrom(rules, byId.get(globalCounterId(offerId)), byId.get(customerCounterId(offerId, customer)), at),
      true,
      reasons,
    );
    const reason = reasons[0] ?? OfferIneligibility.APPLICATIONS_USED;
    return refusal(reason, `offer "${offerId}" ${REFUSAL_TEXT[reason]}`);
  }

  private toRedemption(doc: RedemptionDoc, duplicate: boolean): OfferRedemption {
    return {
      id: doc._id.toHexString(),
      offerId: doc.offer,
      offer: this.entities.offers().get(doc.offer) ?? null,
      customerId: doc.customer,
      transactionId: doc.transactionId,
      redeemedAt: doc.occurredAt,
      recordedAt: doc.recordedAt,
      duplicate,
    };
  }

  /** A customer's redemptions, newest first (by the time the offer was used). */
  history(customer: string, page: PageArgs): Promise<Page<OfferRedemption>> {
    return pageNewestFirst(page, {
      filter: { customer },
      find: (query, sort, limit) => this.redemptions.find(query).sort(sort).limit(limit).toArray(),
      count: (filter) => this.redemptions.countDocuments(filter),
      toNode: (d) => this.toRedemption(d, false),
      what: 'a redemption',
    });
  }
}

function usageFrom(rules: CompiledRules, g: CounterDoc | undefined, c: CounterDoc | undefined, at: Date): Usage {
  const frequency = rules.limits.frequency;
  const period = frequency && c?.periods ? c.periods[periodKey(frequency.period, at)] : undefined;
  return { global: num(g?.uses), customer: num(c?.uses), period: num(period) };
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function toEvaluation(e: Evaluation): OfferEvaluation {
  return { offer: e.offer, eligible: e.eligible, reasons: e.reasons, discount: e.discount, discountedItems: e.discountedItems };
}
