import { Field, ID, Int, ObjectType } from 'type-graphql';
import { EntityKind } from '../entity-kind.enum';

@ObjectType()
export class ImportResult {
  @Field(() => EntityKind)
  entity!: EntityKind;

  @Field(() => Int)
  received!: number;

  @Field(() => Int, { description: 'Documents whose id was new.' })
  created!: number;

  @Field(() => Int, { description: 'Documents that replaced a stored one with the same id.' })
  updated!: number;

  @Field(() => [ID])
  ids!: string[];
}
