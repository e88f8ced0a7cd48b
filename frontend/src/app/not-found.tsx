import Link from "next/link";

export default function NotFound() {
  return (
    <section className="empty-page">
      <p className="big-code" aria-hidden="true">
        404
      </p>
      <h1>We could not find that page</h1>
      <p className="lead">It may have been deleted, or it belongs to someone else.</p>
      <Link className="button primary" href="/projects">
        Go to your projects
      </Link>
    </section>
  );
}
