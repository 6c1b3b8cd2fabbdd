import { Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { SecuritySettings } from '../security/security.type';
import { IpFilterArgs, SecurityModuleArgs, SignatureEnforcementArgs } from '../security/security.input';
import { MANAGEMENT_OPERATION, RootField } from '../auth/root-field';
import { LockoutError, SettingsLimitError, UnknownEntryError } from '../security/security.store';
import { lockoutReason } from '../auth/lockout';
import type { SecuritySettingsDoc } from '../security/security-settings.model';
import { badUserInput } from '../common/errors';
import type { ResolverContext } from '../call/context';
import type { SecurityStore } from '../security/security.store';

/** The services these resolvers use. */
type Context = ResolverContext<{ security: SecurityStore }>;

const ADMIN = MANAGEMENT_OPERATION;

async function userErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof SettingsLimitError || err instanceof UnknownEntryError || err instanceof LockoutError) {
      throw badUserInput(err.message);
    }
    throw err;
  }
}

/** Every change is checked against the request making it: it must not lock itself out. */
const notLockingOut = (ctx: Context) => (after: SecuritySettingsDoc) => lockoutReason(after, ctx.auth);

@Resolver()
export class SecurityResolver {
  @Query(() => SecuritySettings, {
    description: 'Modules on/off and every endpoint with its IP filter and signature enforcement.',
  })
  @RootField(ADMIN)
  securitySettings(@Ctx() ctx: Context): SecuritySettings {
    return ctx.services.security.settings();
  }

  @Mutation(() => SecuritySettings, {
    description: 'Turns the IP_FILTER or SIGNATURE_CHECK module on or off; refused if it would lock out this very request.',
  })
  @RootField(ADMIN)
  setSecurityModule(@Args(() => SecurityModuleArgs) args: SecurityModuleArgs, @Ctx() ctx: Context) {
    return userErrors(() => ctx.services.security.setModule(args.module, args.enabled, notLockingOut(ctx)));
  }

  @Mutation(() => SecuritySettings, { description: 'Allows an address or CIDR range on an endpoint (stored normalised).' })
  @RootField(ADMIN)
  addIpFilter(@Args(() => IpFilterArgs) args: IpFilterArgs, @Ctx() ctx: Context) {
    return userErrors(() => ctx.services.security.addIpFilter(args.endpoint, args.entry, notLockingOut(ctx)));
  }

  @Mutation(() => SecuritySettings, {
    description: "Removes an entry from an endpoint's IP filter (given as stored, or in any form that normalises to it).",
  })
  @RootField(ADMIN)
  removeIpFilter(@Args(() => IpFilterArgs) args: IpFilterArgs, @Ctx() ctx: Context) {
    return userErrors(() => ctx.services.security.removeIpFilter(args.endpoint, args.entry, notLockingOut(ctx)));
  }

  @Mutation(() => SecuritySettings, {
    description: 'Requires (or stops requiring) signed requests on an endpoint; refused if it would lock out this very request.',
  })
  @RootField(ADMIN)
  setSignatureEnforcement(@Args(() => SignatureEnforcementArgs) args: SignatureEnforcementArgs, @Ctx() ctx: Context) {
    return userErrors(() => ctx.services.security.setSignatureEnforcement(args.endpoint, args.enforced, notLockingOut(ctx)));
  }
}
