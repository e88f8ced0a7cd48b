"use client";

export default function ErrorPage({ error, reset }: { error: Error; reset: () => void }) {
  return (
    <section className="empty-page">
      <h1>Something went wrong</h1>
      <p className="lead">{error.message || "The page could not be shown."}</p>
      <button type="button" className="button primary" onClick={reset}>
        Try again
      </button>
    </section>
  );
}
