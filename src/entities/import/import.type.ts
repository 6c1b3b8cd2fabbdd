import { Field, ID, Int, ObjectType } from 'type-graphql';
import { EntityKind } from '../entity-kind.enum';

@ObjectType({ description: 'What one importEntities call stored.' })
export class ImportResult {
  @Field(() => EntityKind, { description: 'The kind imported.' })
  entity!: EntityKind;

  @Field(() => Int, { description: 'Documents in the call.' })
  received!: number;

  @Field(() => Int, { description: 'Documents whose id was new.' })
  created!: number;

  @Field(() => Int, { description: 'Documents that replaced a stored one with the same id.' })
  updated!: number;

  @Field(() => [ID], { description: 'The ids of the stored documents, in the order received.' })
  ids!: string[];
}
