"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";

interface Props {
  providers: { id: string; name: string }[];
  callbackUrl: string;
  error: string | null;
}

export function SignInForm({ providers, callbackUrl, error }: Props) {
  const [name, setName] = useState("local");
  const [busy, setBusy] = useState(false);
  const local = providers.some((p) => p.id === "local");
  const others = providers.filter((p) => p.id !== "local");
  return (
    <div className="stack">
      {error ? (
        <p className="notice error" role="alert" id="signin-error">
          {error}
        </p>
      ) : null}
      {others.map((p) => (
        <button
          key={p.id}
          type="button"
          className="button secondary wide"
          onClick={() => void signIn(p.id, { callbackUrl })}
        >
          Continue with {p.name}
        </button>
      ))}
      {local ? (
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            setBusy(true);
            void signIn("local", { name, callbackUrl });
          }}
        >
          <div className="field">
            <label htmlFor="local-name">Your name on this computer</label>
            <input
              id="local-name"
              name="name"
              autoComplete="username"
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-describedby={error ? "local-name-help signin-error" : "local-name-help"}
              aria-invalid={error ? true : undefined}
            />
            <p className="help" id="local-name-help">
              Local mode: anyone on this computer can sign in by name. Lessons made with the{" "}
              <code>tutor</code> command belong to <code>local</code>.
            </p>
          </div>
          <button type="submit" className="button primary wide" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </form>
      ) : null}
    </div>
  );
}
