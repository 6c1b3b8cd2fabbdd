import { Types } from 'mongoose';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { GraphQLError } from 'graphql';
import type { ClientSession } from 'mongodb';
import type { Connection as MongooseConnection } from 'mongoose';
import type { Logger } from 'pino';
import { badUserInput } from '../common/errors';
import { OneAtATime } from '../common/one-at-a-time';
import { pageNewestFirst, type Page, type PageArgs } from '../common/pagination';
import { internalErrorMessage } from '../call/response';
import type { AtomicWrites } from '../db/transactions';
import { DAY_MS } from '../entities/tier/utc-days';
import { earnedKey } from './tier-points';
import {
  DEFAULT_ACCOUNT,
  accountCounters,
  PUBLIC_PROJECTION,
  customerModels,
  rawCustomers,
  rawEvents,
  type CustomerDoc,
  type CustomerEventDoc,
  type CustomerModels,
} from './customer.model';
import type { BulkEventResult, Customer, CustomerEvent, EventResult } from './customer.type';
import { CUSTOMER_ID, EVENT_ACTIONS, EventInput, type EventAction } from './event.input';
import { validateEventData, type ProfileData, type ValidatedData } from './event-data';
import { hashPassword } from './password';
import { addLot, foldExpired, liveAt, spendFifo, spendableAt, storedLots } from './point-lots';
import { toCustomer, type PublicCustomerDoc } from './customer.view';

export { toCustomer } from './customer.view';

export interface SubmittedEvent {
  customer: string;
  action: string;
  data?: Record<string, unknown> | null;
  externalId?: string | null;
}

/** What an accepted event answers: the customer, and whether the event had been accepted before. */
export interface EventOutcome {
  customer: Customer;
  duplicate: boolean;
}

export interface CustomerServiceOptions {
  /** How far in the future an effective time may lie (the signature clock skew). */
  clockSkewSeconds: number;
  /** Default validity of added points; undefined: they never expire. */
  pointsValidityDays?: number;
}

export const MAX_BATCH = 50;

/** An event that passed validation, with what its writes need computed beforehand. */
interface CheckedEvent {
  id: string;
  action: EventAction;
  checked: ValidatedData;
  externalId: string | undefined;
  passwordHash: string | undefined;
  /** When the server received it. */
  now: Date;
  /** When it took effect. */
  at: Date;
  /** point_add: when its points expire (null: never). */
  expiresAt: Date | null;
  apiKeyHint: string | undefined;
}

/** A point event's conditional update found the customer changed since it was read: read again. */
class RevisionConflict extends Error {}

/** The history insert hit the (customer, externalId) index: an event with that id was accepted meanwhile. */
class ExternalIdTaken extends Error {}

const MAX_ATTEMPTS = 50;

function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 11000;
}

function unknownCustomer(id: string) {
  return badUserInput(`unknown customer "${id}": send an opt_in event first`, { field: 'customer' });
}

function beforeOptIn(createdAt: Date) {
  return badUserInput(`data.effective_timestamp must not be before the customer's opt-in (${createdAt.toISOString()})`, {
    field: 'data.effective_timestamp',
  });
}

/** The profile fields of an opt_in/profile event, as stored and as kept in the history. */
function profileFields(data: ProfileData): { set: Partial<CustomerDoc>; history: Record<string, unknown> } {
  const set: Partial<CustomerDoc> = {};
  const history: Record<string, unknown> = {};
  if (data.email !== undefined) set.email = history.email = data.email;
  if (data.first_name !== undefined) set.firstName = history.first_name = data.first_name;
  if (data.last_name !== undefined) set.lastName = history.last_name = data.last_name;
  if (data.segments !== undefined) {
    set.segments = [...data.segments];
    history.segments = [...data.segments];
  }
  // The password is never copied into the history, not even masked.
  return { set, history };
}

/** The first problem of an input's own fields (customer, action, externalId), named by field. */
function inputProblem(input: SubmittedEvent): GraphQLError | undefined {
  const instance = input instanceof EventInput ? input : plainToInstance(EventInput, input, { enableImplicitConversion: false });
  for (const error of validateSync(instance, { forbidUnknownValues: false, whitelist: false })) {
    const message = Object.values(error.constraints ?? {})[0];
    if (message) return badUserInput(message, { field: error.property });
  }
  return undefined;
}

/**
 * Customers and their events (CONTRACT §8). Every event changes the customer with ONE write
 * whose filter carries its precondition (exists; for point events, the revision it read, so a
 * spend computed from the lots it read applies only to those lots), and records the event in
 * the history; where MongoDB has transactions both are one transaction, so a refused event
 * leaves nothing behind and an `externalId` is taken only by an applied event.
 */
export class CustomerService {
  readonly models: CustomerModels;
  private readonly options: CustomerServiceOptions;
  /** Without transactions, point events of one customer run one at a time in this instance. */
  private readonly queues = new OneAtATime();

  constructor(
    connection: MongooseConnection,
    private readonly logger: Logger,
    private readonly atomic: AtomicWrites,
    options: Partial<CustomerServiceOptions> = {},
  ) {
    this.models = customerModels(connection);
    this.options = { clockSkewSeconds: options.clockSkewSeconds ?? 300, pointsValidityDays: options.pointsValidityDays };
  }

  /** Creates the collections' indexes. */
  async start(): Promise<void> {
    await Promise.all([this.models.customer.init(), this.models.event.init()]);
  }

  private get customers() {
    return rawCustomers(this.models.customer);
  }

  private get events() {
    return rawEvents(this.models.event);
  }

  async find(id: string): Promise<Customer | null> {
    if (id.length > 128 || !CUSTOMER_ID.test(id)) return null;
    const doc = await this.customers.findOne({ _id: id }, { projection: PUBLIC_PROJECTION });
    return doc ? toCustomer(doc, new Date()) : null;
  }

  /** Applies one event and answers the customer; throws BAD_USER_INPUT (and changes nothing) when it is refused. */
  async submit(event: SubmittedEvent, apiKeyHint: string | undefined): Promise<Customer> {
    return (await this.apply(event, apiKeyHint)).customer;
  }

  /** Applies one event; a repeat of an accepted `externalId` changes nothing and answers `duplicate`. */
  async apply(event: SubmittedEvent, apiKeyHint: string | undefined): Promise<EventOutcome> {
    const checked = await this.check(event, apiKeyHint);
    const key = `customer:${checked.id}`;
    const once = () => this.atomic.run((session) => this.applyEvent(checked, session), { contendedKey: key });
    for (let attempt = 1; ; attempt++) {
      try {
        return await (this.atomic.transactional ? once() : this.queues.run(key, once));
      } catch (err) {
        if (err instanceof RevisionConflict && attempt < MAX_ATTEMPTS) {
          // Another instance changed the customer between the read and the write.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
          continue;
        }
        if ((err instanceof ExternalIdTaken || isDuplicateKey(err)) && checked.externalId !== undefined) {
          const first = await this.duplicateOf(checked.id, checked.externalId, undefined);
          if (first) return first;
        }
        if (err instanceof ExternalIdTaken) throw (err.cause as Error) ?? err;
        if (err instanceof RevisionConflict) throw new Error(`customer ${checked.id} kept changing; the event was not applied`);
        throw err;
      }
    }
  }

  /**
   * Applies 1 to MAX_BATCH events in order, each on its own: a refused one is reported in its
   * result and does not stop the others. More, or none, refuses the whole call.
   */
  async applyBatch(inputs: SubmittedEvent[], apiKeyHint: string | undefined, requestId: string): Promise<BulkEventResult> {
    if (inputs.length === 0 || inputs.length > MAX_BATCH) {
      throw badUserInput(`inputs must hold 1 to ${MAX_BATCH} events, got ${inputs.length}; nothing was applied`, {
        field: 'inputs',
      });
    }
    const results: EventResult[] = [];
    for (const [index, input] of inputs.entries()) {
      try {
        const outcome = await this.apply(input, apiKeyHint);
        results.push({ accepted: true, duplicate: outcome.duplicate, customer: outcome.customer, error: null });
      } catch (err) {
        const refusal = err instanceof GraphQLError && err.extensions?.code === 'BAD_USER_INPUT';
        if (!refusal)
          this.logger.error({ err, index, customer: input.customer, action: input.action }, 'an event of a batch failed');
        results.push({
          accepted: false,
          duplicate: false,
          customer: null,
          error: refusal
            ? {
                code: 'BAD_USER_INPUT',
                message: err.message,
                field: typeof err.extensions.field === 'string' ? err.extensions.field : null,
              }
            : { code: 'INTERNAL_SERVER_ERROR', message: internalErrorMessage(requestId), field: null },
        });
      }
    }
    const accepted = results.filter((r) => r.accepted).length;
    return { results, accepted, refused: results.length - accepted };
  }

  /** Everything that can be checked before touching the database; throws BAD_USER_INPUT naming the field. */
  private async check(event: SubmittedEvent, apiKeyHint: string | undefined): Promise<CheckedEvent> {
    const problem = inputProblem(event);
    if (problem) throw problem;
    if (!(EVENT_ACTIONS as readonly string[]).includes(event.action)) {
      throw badUserInput(`action must be one of ${EVENT_ACTIONS.join(', ')}`, { field: 'action' });
    }
    const action = event.action as EventAction;
    const checked = validateEventData(action, event.data);
    const now = new Date();
    const at = checked.effectiveAt ?? now;
    const latest = now.getTime() + this.options.clockSkewSeconds * 1000;
    if (at.getTime() > latest) {
      throw badUserInput(
        `data.effective_timestamp must not be in the future (more than ${this.options.clockSkewSeconds} s after the server's clock)`,
        { field: 'data.effective_timestamp' },
      );
    }
    if (checked.kind === 'points' && checked.expiresAt !== undefined && checked.expiresAt.getTime() <= at.getTime()) {
      throw badUserInput(`data.expires_at must be after the event's time (${at.toISOString()})`, { field: 'data.expires_at' });
    }
    const validity = this.options.pointsValidityDays;
    const expiresAt =
      action !== 'point_add' || checked.kind !== 'points'
        ? null
        : (checked.expiresAt ?? (validity ? new Date(at.getTime() + validity * DAY_MS) : null));
    // Hashed before the transaction: scrypt is slow and must not run again on a retry.
    const passwordHash =
      checked.kind === 'profile' && checked.data.password !== undefined ? await hashPassword(checked.data.password) : undefined;
    return {
      id: event.customer,
      action,
      checked,
      externalId: event.externalId ?? undefined,
      passwordHash,
      now,
      at,
      expiresAt,
      apiKeyHint,
    };
  }

  /** The answer to a repeat of an accepted event: the customer as it is, marked duplicate. */
  private async duplicateOf(id: string, externalId: string, session: ClientSession | undefined): Promise<EventOutcome | null> {
    const first = await this.events.findOne({ customer: id, externalId }, { projection: { _id: 1 }, session });
    if (!first) return null;
    const doc = await this.customers.findOne({ _id: id }, { projection: PUBLIC_PROJECTION, session });
    return doc ? { customer: toCustomer(doc, new Date()), duplicate: true } : null;
  }

  private async applyEvent(event: CheckedEvent, session: ClientSession | undefined): Promise<EventOutcome> {
    if (event.externalId !== undefined) {
      const first = await this.duplicateOf(event.id, event.externalId, session);
      if (first) return first;
    }
    const record = this.historyRecord(event);
    if (session) {
      // In a transaction the order is free: both writes are kept or neither.
      const doc = await this.changeCustomer(event, session);
      await this.insertHistory(record, session);
      return { customer: toCustomer(doc, event.now), duplicate: false };
    }
    // Without transactions the history entry is written first: it claims the externalId, so a
    // concurrent retry fails on the unique index before changing anything, and it is taken
    // back when the customer change is refused.
    await this.insertHistory(record, undefined);
    try {
      const doc = await this.changeCustomer(event, undefined);
      return { customer: toCustomer(doc, event.now), duplicate: false };
    } catch (err) {
      await this.events
        .deleteOne({ _id: record._id })
        .catch((cleanup: Error) =>
          this.logger.error(
            { customer: record.customer, action: record.action, err: cleanup.message },
            'a refused event stays in the events history',
          ),
        );
      throw err;
    }
  }

  private async insertHistory(record: CustomerEventDoc, session: ClientSession | undefined): Promise<void> {
    try {
      await this.events.insertOne(record, { session });
    } catch (err) {
      if (isDuplicateKey(err) && record.externalId !== undefined) throw new ExternalIdTaken('externalId taken', { cause: err });
      throw err;
    }
  }

  /** The history entry of an event. */
  private historyRecord(event: CheckedEvent): CustomerEventDoc {
    const { checked } = event;
    const data: Record<string, unknown> =
      checked.kind === 'profile' ? profileFields(checked.data).history : { points: checked.points, account: checked.account };
    if (checked.kind === 'points' && checked.expiresAt) data.expires_at = checked.expiresAt.toISOString();
    if (checked.effectiveAt) data.effective_timestamp = checked.effectiveAt.toISOString();
    return {
      _id: new Types.ObjectId(),
      customer: event.id,
      action: event.action,
      data,
      occurredAt: event.at,
      receivedAt: event.now,
      ...(event.externalId !== undefined ? { externalId: event.externalId } : {}),
      ...(checked.kind === 'points' ? { points: checked.points, account: checked.account } : {}),
      ...(event.action === 'point_add' ? { expiresAt: event.expiresAt } : {}),
      apiKeyHint: event.apiKeyHint ?? null,
    };
  }

  private async changeCustomer(event: CheckedEvent, session: ClientSession | undefined): Promise<PublicCustomerDoc> {
    const { checked } = event;
    if (checked.kind === 'points') return this.changePoints(event, checked, session);
    if (event.action === 'opt_in') return this.optIn(event, checked.data, session);
    return this.updateProfile(event, checked.data, session);
  }

  private async optIn(event: CheckedEvent, data: ProfileData, session: ClientSession | undefined): Promise<PublicCustomerDoc> {
    const { id, now, at, passwordHash } = event;
    const created: CustomerDoc = {
      _id: id,
      status: 'active',
      ...profileFields(data).set,
      ...(passwordHash ? { passwordHash } : {}),
      segments: data.segments ? [...data.segments] : [],
      accounts: { [DEFAULT_ACCOUNT]: { score: 0, spent: 0, spendable: 0 } },
      createdAt: at,
      updatedAt: now,
    };
    try {
      await this.customers.insertOne(created, { session });
    } catch (err) {
      if (isDuplicateKey(err)) throw badUserInput(`customer "${id}" already opted in`, { field: 'customer' });
      throw err;
    }
    const { passwordHash: _hidden, ...rest } = created;
    return rest;
  }

  private async updateProfile(
    event: CheckedEvent,
    data: ProfileData,
    session: ClientSession | undefined,
  ): Promise<PublicCustomerDoc> {
    const { id, now, at, passwordHash, checked } = event;
    // A backdated profile change may not predate the opt-in: the condition is part of the filter.
    const filter = checked.effectiveAt ? { _id: id, createdAt: { $lte: at } } : { _id: id };
    const updated = await this.customers.findOneAndUpdate(
      filter,
      { $set: { ...profileFields(data).set, ...(passwordHash ? { passwordHash } : {}), updatedAt: now } },
      { returnDocument: 'after', projection: PUBLIC_PROJECTION, session },
    );
    if (updated) return updated;
    const current = await this.customers.findOne({ _id: id }, { projection: { createdAt: 1 }, session });
    if (!current) throw unknownCustomer(id);
    throw beforeOptIn(current.createdAt);
  }

  /**
   * point_add / point_spend: the account's lots are read, the new ones computed (expired lots
   * folded into `expired`, a spend taken from the soonest-expiring lots), and written back on
   * the condition that the customer's revision is still the one read.
   */
  private async changePoints(
    event: CheckedEvent,
    checked: Extract<ValidatedData, { kind: 'points' }>,
    session: ClientSession | undefined,
  ): Promise<PublicCustomerDoc> {
    const { id, now, at, expiresAt } = event;
    const { points, account } = checked;
    const path = `accounts.${account}`;
    const current = await this.customers.findOne(
      { _id: id },
      {
        projection: {
          createdAt: 1,
          rev: 1,
          [`${path}.lots`]: 1,
          [`${path}.spendable`]: 1,
          [`${path}.expired`]: 1,
          [`${path}.score`]: 1,
        },
        session,
      },
    );
    if (!current) throw unknownCustomer(id);
    if (checked.effectiveAt && at.getTime() < current.createdAt.getTime()) throw beforeOptIn(current.createdAt);

    const counters = accountCounters(current.accounts, account);
    const folded = foldExpired(storedLots(counters), now);
    let expired = (typeof counters?.expired === 'number' ? counters.expired : 0) + folded.expired;
    let lots = folded.live;
    const inc: Record<string, number> = { rev: 1 };

    // An account written before lots and earned days were kept: its score so far counts as
    // earned on the opt-in day, as reads have shown it, before the first day is added.
    if (counters && !Array.isArray(counters.lots) && typeof counters.score === 'number' && counters.score > 0) {
      inc[`${path}.earned.${earnedKey(current.createdAt)}`] = counters.score;
    }
    if (event.action === 'point_add') {
      // A backdated add whose expiry has already passed is earned and expired at once.
      if (liveAt({ points, expiresAt }, now)) lots = addLot(lots, points, expiresAt);
      else expired += points;
      const day = `${path}.earned.${earnedKey(at)}`;
      Object.assign(inc, { [`${path}.score`]: points, [`${path}.spent`]: 0, [day]: (inc[day] ?? 0) + points });
    } else {
      // The points live when the spend took effect and still live now.
      const spendAt = at.getTime() > now.getTime() ? at : now;
      const after = spendFifo(lots, points, spendAt);
      if (!after) {
        const balance = spendableAt(lots, spendAt);
        throw badUserInput(`spend of ${points} exceeds the spendable balance of ${balance} on account "${account}"`, {
          field: 'data.points',
          spendable: balance,
        });
      }
      lots = after;
      Object.assign(inc, { [`${path}.spent`]: points, [`${path}.score`]: 0 });
    }

    const updated = await this.customers.findOneAndUpdate(
      { _id: id, rev: current.rev ?? null } as Record<string, unknown>,
      {
        $inc: inc,
        $set: {
          [`${path}.lots`]: lots,
          [`${path}.spendable`]: lots.reduce((sum, lot) => sum + lot.points, 0),
          [`${path}.expired`]: expired,
          updatedAt: now,
        },
      },
      { returnDocument: 'after', projection: PUBLIC_PROJECTION, session },
    );
    if (!updated) throw new RevisionConflict();
    return updated;
  }

  /** A customer's accepted events, newest (by effective time) first. */
  history(customer: string, page: PageArgs): Promise<Page<CustomerEvent>> {
    return pageNewestFirst(page, {
      filter: { customer },
      find: (query, sort, limit) => this.events.find(query).sort(sort).limit(limit).toArray(),
      count: (filter) => this.events.countDocuments(filter),
      toNode: (d): CustomerEvent => ({
        id: d._id.toHexString(),
        action: d.action,
        data: d.data ?? {},
        occurredAt: d.occurredAt,
        receivedAt: d.receivedAt ?? d.occurredAt,
        externalId: d.externalId ?? null,
        points: typeof d.points === 'number' ? d.points : null,
        account: d.account ?? null,
        expiresAt: d.expiresAt ?? null,
      }),
      what: 'a customer event',
    });
  }
}
