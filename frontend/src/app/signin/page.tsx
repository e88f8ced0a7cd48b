import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { SignInForm } from "@/components/SignInForm";
import { currentUser } from "@/server/auth";
import { providers } from "@/server/config";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in" };

const ERRORS: Record<string, string> = {
  CredentialsSignin: "Use 1 to 40 lowercase letters, digits, dots, dashes or underscores, starting with a letter or digit.",
  OAuthSignin: "The sign-in provider could not be reached. Try again.",
  OAuthCallback: "The sign-in provider did not confirm who you are. Try again.",
  AccessDenied: "Sign-in was cancelled.",
};

function safeCallback(value: string | undefined): string {
  // Only paths of this app: never an absolute URL or a protocol-relative one.
  return value && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\")
    ? value
    : "/projects";
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; error?: string }>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallback(params.callbackUrl);
  if (await currentUser()) redirect(callbackUrl);
  const choices = providers();
  const error = params.error ? (ERRORS[params.error] ?? "Sign-in failed. Try again.") : null;
  return (
    <section className="signin">
      <div className="signin-card card">
        <h1>Make a lesson you can watch</h1>
        <p className="lead">
          Type what you want explained. tutor plans the scenes, animates them and narrates them; change any
          scene with a sentence.
        </p>
        {choices.length === 0 ? (
          <div className="notice error" role="alert">
            <strong>No way to sign in is configured.</strong> Set GITHUB_ID and GITHUB_SECRET, or GOOGLE_ID and
            GOOGLE_SECRET, or run <code>make web</code> for local mode.
          </div>
        ) : (
          <SignInForm providers={choices} callbackUrl={callbackUrl} error={error} />
        )}
      </div>
    </section>
  );
}
