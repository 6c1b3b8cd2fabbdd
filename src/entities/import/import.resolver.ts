import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { EntityKind } from '../entity-kind.enum';
import { ImportResult } from './import.type';
import { ImportValidationError } from './import.service';
import { describeProblems } from './validate-documents';
import { MANAGEMENT_OPERATION, RootField } from '../../auth/root-field';
import { badUserInput } from '../../common/errors';
import type { ResolverContext } from '../../call/context';
import type { ImportService } from './import.service';

/** The services these resolvers use. */
type Context = ResolverContext<{ imports: ImportService }>;

@Resolver()
export class ImportResolver {
  @Mutation(() => ImportResult, {
    description:
      'Upserts Entities API documents by id. If any document is invalid, none is stored and the error names the document index and field path.',
  })
  @RootField(MANAGEMENT_OPERATION)
  async importEntities(
    @Arg('entity', () => EntityKind, { description: 'The kind of every document in this call.' }) entity: EntityKind,
    // Validated by the import service, key by key. class-validator (type-graphql's argument
    // validation) would look up `document.constructor`, which is missing on the
    // null-prototype objects of documents written inside the query text and is data when a
    // document has a `constructor` key.
    @Arg('documents', () => [GraphQLJSONObject], {
      validate: false,
      description: 'Documents in the Entities API shape (snake_case keys), each with its `id`.',
    })
    documents: Record<string, unknown>[],
    @Ctx() ctx: Context,
  ): Promise<ImportResult> {
    try {
      const outcome = await ctx.services.imports.import(entity, documents, describeProblems);
      return { entity, ...outcome };
    } catch (err) {
      if (err instanceof ImportValidationError) {
        const first = err.problems[0];
        throw badUserInput(err.message, {
          documentIndex: first.index,
          field: first.field,
          problems: err.problems.slice(0, 50).map((p) => ({ index: p.index, field: p.field, message: p.message })),
        });
      }
      throw err;
    }
  }

  @Mutation(() => Boolean, { description: 'Deletes one entity; false when no entity had that id.' })
  @RootField(MANAGEMENT_OPERATION)
  deleteEntity(
    @Arg('entity', () => EntityKind, { description: 'The kind of the entity.' }) entity: EntityKind,
    @Arg('id', () => ID, { description: 'The entity id.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.services.imports.delete(entity, id);
  }
}
