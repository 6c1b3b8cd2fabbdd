import { Schema, type Connection, type Model } from 'mongoose';

/**
 * A counter per cached domain, bumped by every write. Each instance polls the counters it
 * caches and reloads when one moves: that is how a change made through one instance reaches
 * every other instance behind the load balancer within the poll interval, on any MongoDB
 * (the stand-in has no change streams).
 */
export type RevisionName = 'entities' | 'security' | 'credentials';

interface RevisionDoc {
  _id: RevisionName;
  rev: number;
}

const revisionSchema = new Schema<RevisionDoc>(
  { _id: { type: String, required: true }, rev: { type: Number, required: true } },
  { versionKey: false, collection: 'revisions' },
);

export class Revisions {
  private readonly model: Model<RevisionDoc>;

  constructor(connection: Connection) {
    this.model = connection.models.Revision ?? connection.model<RevisionDoc>('Revision', revisionSchema);
  }

  async read(name: RevisionName): Promise<number> {
    const doc = await this.model.findById(name).lean();
    return doc?.rev ?? 0;
  }

  async bump(name: RevisionName): Promise<number> {
    const doc = await this.model
      .findOneAndUpdate({ _id: name }, { $inc: { rev: 1 } }, { upsert: true, returnDocument: 'after' })
      .lean();
    return doc?.rev ?? 0;
  }
}
