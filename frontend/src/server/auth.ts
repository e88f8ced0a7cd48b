/**
 * Sign-in (Auth.js / NextAuth): GitHub and Google when their env vars are set, and in
 * local mode a local sign-in by name. The session is a JWT cookie holding the user's
 * external id (`github|123`, `google|456`, or the local name); API tokens are minted
 * from it per request.
 */
import type { NextAuthOptions, Session } from "next-auth";
import { getServerSession } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";

import { authSecret, localMode } from "./config";

/** Local names: short, and never shaped like a provider's id (no "|"). */
export const LOCAL_NAME = /^[a-z0-9][a-z0-9_.-]{0,39}$/;

export function authOptions(): NextAuthOptions {
  const providers: NextAuthOptions["providers"] = [];
  if (process.env.GITHUB_ID && process.env.GITHUB_SECRET) {
    providers.push(
      GitHubProvider({ clientId: process.env.GITHUB_ID, clientSecret: process.env.GITHUB_SECRET }),
    );
  }
  if (process.env.GOOGLE_ID && process.env.GOOGLE_SECRET) {
    providers.push(
      GoogleProvider({ clientId: process.env.GOOGLE_ID, clientSecret: process.env.GOOGLE_SECRET }),
    );
  }
  if (localMode()) {
    providers.push(
      CredentialsProvider({
        id: "local",
        name: "this computer",
        credentials: { name: { label: "Your name", type: "text" } },
        authorize(credentials) {
          const name = (credentials?.name ?? "").trim().toLowerCase();
          if (!localMode() || !LOCAL_NAME.test(name)) return null;
          return { id: name, name };
        },
      }),
    );
  }
  return {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: 7 * 24 * 3600 },
    pages: { signIn: "/signin", error: "/signin" },
    providers,
    callbacks: {
      jwt({ token, account, user }) {
        if (account && user) {
          token.tutorSub =
            account.provider === "local" ? user.id : `${account.provider}|${account.providerAccountId}`;
        }
        return token;
      },
      session({ session, token }) {
        if (session.user && typeof token.tutorSub === "string") {
          session.user.id = token.tutorSub;
        }
        return session;
      },
    },
  };
}

export interface SignedIn {
  sub: string;
  name: string;
}

/** The signed-in user, or null. */
export async function currentUser(): Promise<SignedIn | null> {
  const session: Session | null = await getServerSession(authOptions());
  const sub = session?.user?.id;
  if (!sub) return null;
  return { sub, name: session.user?.name ?? sub };
}
