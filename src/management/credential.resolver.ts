import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { ApiCredential, NewApiCredential } from '../credentials/credential.type';
import { CreateApiCredentialInput } from '../credentials/credential.input';
import { MANAGEMENT_OPERATION, RootField } from '../auth/root-field';
import { badUserInput } from '../common/errors';
import { apiKeyHint } from '../common/key-hint';
import type { ResolverContext } from '../call/context';
import type { CredentialStore } from '../credentials/credential.store';

/** The services these resolvers use. */
type Context = ResolverContext<{ credentials: CredentialStore }>;

const ADMIN = MANAGEMENT_OPERATION;

@Resolver()
export class CredentialResolver {
  @Query(() => [ApiCredential], { description: 'Every API key, revoked ones included. Never the secrets.' })
  @RootField(ADMIN)
  apiCredentials(@Ctx() ctx: Context): Promise<ApiCredential[]> {
    return ctx.services.credentials.list();
  }

  @Mutation(() => NewApiCredential, { description: 'Creates a key and secret. The secret is shown only in this response.' })
  @RootField(ADMIN)
  createApiCredential(
    @Arg('input', () => CreateApiCredentialInput, { description: 'Name and role of the new key.' })
    input: CreateApiCredentialInput,
    @Ctx() ctx: Context,
  ): Promise<NewApiCredential> {
    return ctx.services.credentials.create(input.name, input.role);
  }

  @Mutation(() => ApiCredential, { description: 'Revokes a key at once on every instance; revoking twice keeps the first time.' })
  @RootField(ADMIN)
  async revokeApiCredential(
    @Arg('key', () => String, { description: 'The whole API key to revoke.' }) key: string,
    @Ctx() ctx: Context,
  ): Promise<ApiCredential> {
    if (key === ctx.auth.credential?.key) {
      throw badUserInput('a credential cannot revoke itself; use another admin key');
    }
    const revoked = await ctx.services.credentials.revoke(key);
    if (!revoked) throw badUserInput(`no API credential has the key "${apiKeyHint(key.slice(0, 128))}"`);
    return revoked;
  }
}
