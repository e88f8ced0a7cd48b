import type { Metadata, Viewport } from "next";
import Link from "next/link";
import type { ReactNode } from "react";

import { SignOutButton } from "@/components/SignOutButton";
import { currentUser } from "@/server/auth";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: "tutor", template: "%s · tutor" },
  description: "Narrated explainer videos from a sentence, one scene at a time.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#14122b" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser().catch(() => null);
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="topbar">
          <Link href={user ? "/projects" : "/signin"} className="brand" aria-label="tutor, home">
            <span className="brand-mark" aria-hidden="true">
              ▶
            </span>
            tutor
          </Link>
          {user ? (
            <nav aria-label="Account" className="topnav">
              <Link href="/projects">Projects</Link>
              <span className="who" title={user.sub}>
                {user.name}
              </span>
              <SignOutButton />
            </nav>
          ) : null}
        </header>
        <main id="main" className="main">
          {children}
        </main>
      </body>
    </html>
  );
}
