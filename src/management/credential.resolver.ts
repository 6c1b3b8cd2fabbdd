import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
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
const MAX_PER_MINUTE = 1_000_000_000;

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

  @Mutation(() => ApiCredential, {
    description:
      "Sets a key's own limit of calls per minute (0: no limit), or with null returns it to the server's default (RATE_LIMIT_PER_MINUTE). In force on every instance within a second.",
  })
  @RootField(ADMIN)
  async setRateLimit(
    @Arg('key', () => String, { description: 'The API key whose limit changes.' }) key: string,
    @Arg('perMinute', () => Int, {
      nullable: true,
      description: 'Calls per minute, 0 to 1000000000 (0: no limit); null: back to the default.',
    })
    perMinute: number | null | undefined,
    @Ctx() ctx: Context,
  ): Promise<ApiCredential> {
    const limit = perMinute ?? null;
    if (limit !== null && (limit < 0 || limit > MAX_PER_MINUTE)) {
      throw badUserInput(`perMinute must be between 0 (no limit) and ${MAX_PER_MINUTE}, or null for the default; got ${limit}`);
    }
    const updated = await ctx.services.credentials.setRateLimit(key, limit);
    if (!updated) throw badUserInput(`no API credential has the key "${apiKeyHint(key.slice(0, 128))}"`);
    return updated;
  }
}
