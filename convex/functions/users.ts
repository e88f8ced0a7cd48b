/** The signed-in user. */
import { userMutation, userQuery } from "./lib/auth";

/** The caller's user row, or null before their first write. */
export const me = userQuery({ args: {}, handler: async (ctx) => ctx.user });

/** Create (or refresh from the identity) the caller's user row; returns it. */
export const store = userMutation({ args: {}, handler: async (ctx) => ctx.user });
