import { Types } from 'mongoose';
import type { ClientSession } from 'mongodb';
import type { Connection as MongooseConnection } from 'mongoose';
import type { Logger } from 'pino';
import { badUserInput } from '../common/errors';
import { pageNewestFirst, type Page, type PageArgs } from '../common/pagination';
import type { AtomicWrites } from '../db/transactions';
import {
  ACCOUNT_NAME,
  DEFAULT_ACCOUNT,
  accountCounters,
  PUBLIC_PROJECTION,
  customerModels,
  rawCustomers,
  rawEvents,
  type AccountCounters,
  type CustomerDoc,
  type CustomerEventDoc,
  type CustomerModels,
} from './customer.model';
import type { Customer, CustomerEvent, PointAccount } from './customer.type';
import { CUSTOMER_ID, EVENT_ACTIONS, type EventAction } from './event.input';
import { validateEventData, type ProfileData } from './event-data';
import { hashPassword } from './password';

export interface SubmittedEvent {
  customer: string;
  action: string;
  data?: Record<string, unknown> | null;
}

type PublicCustomerDoc = Omit<CustomerDoc, 'passwordHash'>;

/** An event that passed validation, with what its writes need computed beforehand. */
interface CheckedEvent {
  id: string;
  action: EventAction;
  checked: ReturnType<typeof validateEventData>;
  passwordHash: string | undefined;
  now: Date;
  apiKeyHint: string | undefined;
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function toAccount(account: string, counters: Partial<AccountCounters> | undefined): PointAccount {
  const score = num(counters?.score);
  const spent = num(counters?.spent);
  const spendable = counters?.spendable === undefined ? score - spent : num(counters.spendable);
  return { account, score, spent, spendable };
}

/** The GraphQL view of a stored customer. The password hash is never part of it. */
export function toCustomer(doc: PublicCustomerDoc): Customer {
  const stored = doc.accounts && typeof doc.accounts === 'object' ? doc.accounts : {};
  const names = Object.keys(stored)
    .filter((name) => ACCOUNT_NAME.test(name) && name !== DEFAULT_ACCOUNT)
    .sort();
  const standard = toAccount(DEFAULT_ACCOUNT, accountCounters(stored, DEFAULT_ACCOUNT));
  return {
    id: doc._id,
    email: doc.email ?? null,
    firstName: doc.firstName ?? null,
    lastName: doc.lastName ?? null,
    status: doc.status ?? 'active',
    score: standard.score,
    spent: standard.spent,
    spendable: standard.spendable,
    createdAt: doc.createdAt,
    accounts: [standard, ...names.map((name) => toAccount(name, accountCounters(stored, name)))],
  };
}

function unknownCustomer(id: string) {
  return badUserInput(`unknown customer "${id}": send an opt_in event first`, { field: 'customer' });
}

/** The profile fields of an opt_in/profile event, as stored and as kept in the history. */
function profileFields(data: ProfileData): { set: Partial<CustomerDoc>; history: Record<string, unknown> } {
  const set: Partial<CustomerDoc> = {};
  const history: Record<string, unknown> = {};
  if (data.email !== undefined) set.email = history.email = data.email;
  if (data.first_name !== undefined) set.firstName = history.first_name = data.first_name;
  if (data.last_name !== undefined) set.lastName = history.last_name = data.last_name;
  // The password is never copied into the history, not even masked.
  return { set, history };
}

/**
 * Customers and their events (CONTRACT §8). Every event changes the customer with ONE
 * atomic MongoDB operation whose filter carries the event's precondition (exists / enough
 * spendable points), so concurrent events on one customer never lose an update and a
 * refused event changes nothing. There is no read-modify-write anywhere. Where MongoDB has
 * transactions, that update and the event's history entry are stored together or not at all.
 */
export class CustomerService {
  readonly models: CustomerModels;

  constructor(
    connection: MongooseConnection,
    private readonly logger: Logger,
    private readonly atomic: AtomicWrites,
  ) {
    this.models = customerModels(connection);
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
    return doc ? toCustomer(doc) : null;
  }

  /** Applies one event; throws BAD_USER_INPUT (and changes nothing) when it is refused. */
  async submit(event: SubmittedEvent, apiKeyHint: string | undefined): Promise<Customer> {
    if (!(EVENT_ACTIONS as readonly string[]).includes(event.action)) {
      throw badUserInput(`action must be one of ${EVENT_ACTIONS.join(', ')}`, { field: 'action' });
    }
    const action = event.action as EventAction;
    const id = event.customer;
    const checked = validateEventData(action, event.data);
    const now = new Date();
    // Hashed before the transaction: scrypt is slow and must not run again on a retry.
    const passwordHash =
      checked.kind === 'profile' && checked.data.password !== undefined ? await hashPassword(checked.data.password) : undefined;
    // The customer change and its history entry are one transaction where MongoDB has them.
    const work = (session: ClientSession | undefined) =>
      this.applyEvent({ id, action, checked, passwordHash, now, apiKeyHint }, session);
    return this.atomic.run(work, { contendedKey: `customer:${id}` });
  }

  private async applyEvent(event: CheckedEvent, session: ClientSession | undefined): Promise<Customer> {
    const { id, action, checked, passwordHash, now, apiKeyHint } = event;
    let doc: PublicCustomerDoc;
    let history: Record<string, unknown>;

    if (checked.kind === 'profile') {
      const fields = profileFields(checked.data);
      history = fields.history;
      if (action === 'opt_in') {
        const created: CustomerDoc = {
          _id: id,
          status: 'active',
          ...fields.set,
          ...(passwordHash ? { passwordHash } : {}),
          accounts: { [DEFAULT_ACCOUNT]: { score: 0, spent: 0, spendable: 0 } },
          createdAt: now,
          updatedAt: now,
        };
        try {
          await this.customers.insertOne(created, { session });
        } catch (err) {
          if ((err as { code?: unknown }).code === 11000) {
            throw badUserInput(`customer "${id}" already opted in`, { field: 'customer' });
          }
          throw err;
        }
        const { passwordHash: _hidden, ...rest } = created;
        doc = rest;
      } else {
        const updated = await this.customers.findOneAndUpdate(
          { _id: id },
          { $set: { ...fields.set, ...(passwordHash ? { passwordHash } : {}), updatedAt: now } },
          { returnDocument: 'after', projection: PUBLIC_PROJECTION, session },
        );
        if (!updated) throw unknownCustomer(id);
        doc = updated;
      }
    } else {
      const { points, account } = checked;
      history = { points, account };
      const path = `accounts.${account}`;
      if (action === 'point_add') {
        const updated = await this.customers.findOneAndUpdate(
          { _id: id },
          // `spent` += 0 creates it on a new account, so the three counters always exist together.
          { $inc: { [`${path}.score`]: points, [`${path}.spendable`]: points, [`${path}.spent`]: 0 }, $set: { updatedAt: now } },
          { returnDocument: 'after', projection: PUBLIC_PROJECTION, session },
        );
        if (!updated) throw unknownCustomer(id);
        doc = updated;
      } else {
        // The balance check is part of the update's filter: the spend applies only if the
        // balance covers it at the moment MongoDB applies it.
        const updated = await this.customers.findOneAndUpdate(
          { _id: id, [`${path}.spendable`]: { $gte: points } },
          { $inc: { [`${path}.spent`]: points, [`${path}.spendable`]: -points }, $set: { updatedAt: now } },
          { returnDocument: 'after', projection: PUBLIC_PROJECTION, session },
        );
        if (!updated) {
          // Refused; only now find out why, to say so. Nothing was changed either way.
          const current = await this.customers.findOne({ _id: id }, { projection: { [path]: 1 }, session });
          if (!current) throw unknownCustomer(id);
          const balance = toAccount(account, accountCounters(current.accounts, account)).spendable;
          throw badUserInput(`spend of ${points} exceeds the spendable balance of ${balance} on account "${account}"`, {
            field: 'data.points',
            spendable: balance,
          });
        }
        doc = updated;
      }
    }

    const record: CustomerEventDoc = {
      _id: new Types.ObjectId(),
      customer: id,
      action,
      data: history,
      occurredAt: now,
      apiKeyHint: apiKeyHint ?? null,
    };
    await this.recordHistory(record, session);
    return toCustomer(doc);
  }

  /**
   * Second write: the history. In a transaction a failure here undoes the customer change
   * and fails the event. Without transactions the customer change has already been applied
   * and stands (a retry of the event would apply it twice); the history then misses this
   * one entry, which is logged (customer id and action only, never the data) so an
   * operator can reconcile it.
   */
  private async recordHistory(record: CustomerEventDoc, session: ClientSession | undefined): Promise<void> {
    if (session) {
      await this.events.insertOne(record, { session });
      return;
    }
    try {
      await this.events.insertOne(record);
    } catch (err) {
      this.logger.error(
        { customer: record.customer, action: record.action, err: (err as Error).message },
        'event applied to the customer but not recorded in the events history',
      );
    }
  }

  /** A customer's accepted events, newest first. */
  history(customer: string, page: PageArgs): Promise<Page<CustomerEvent>> {
    return pageNewestFirst(page, {
      filter: { customer },
      find: (query, sort, limit) => this.events.find(query).sort(sort).limit(limit).toArray(),
      count: (filter) => this.events.countDocuments(filter),
      toNode: (d): CustomerEvent => ({ id: d._id.toHexString(), action: d.action, data: d.data ?? {}, occurredAt: d.occurredAt }),
      what: 'a customer event',
    });
  }
}
