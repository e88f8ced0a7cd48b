/** Helpers of the server-rendered pages: who is signed in, and API reads that 404 properly. */
import { notFound, redirect } from "next/navigation";

import { ApiFailure, apiGet } from "./api";
import { currentUser, type SignedIn } from "./auth";

/** The signed-in user, or a redirect to the sign-in page that comes back to `here`. */
export async function requireUser(here: string): Promise<SignedIn> {
  const user = await currentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(here)}`);
  return user;
}

export type Loaded<T> = { ok: true; value: T } | { ok: false; message: string };

/** Read an API path; a 404 (missing, or someone else's) is the not-found page. */
export async function load<T>(user: SignedIn, path: string): Promise<Loaded<T>> {
  try {
    return { ok: true, value: await apiGet<T>(user.sub, path) };
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 404) notFound();
    if (error instanceof ApiFailure && error.status === 401) redirect("/signin");
    const failure = error as ApiFailure;
    const hint = failure.body?.hint ? ` — ${failure.body.hint}` : "";
    return { ok: false, message: `${failure.message}${hint}` };
  }
}
