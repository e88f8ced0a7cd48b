"""The Manim docs index: an SQLite FTS5 database built from the installed Manim.

One file per Manim installation, under the tutor cache directory
(`<cache>/manim-docs/manim-<version>-<fingerprint>.sqlite`). The fingerprint covers
Manim's version and installed files, the Python version and this index's format, so a
Manim upgrade gets a fresh index and an unchanged one is reused without importing
Manim. Builders write a temporary file in the same directory and rename it into place
under a lock, so concurrent builders never leave a half-written index, and readers
open it read-only.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import sqlite3
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from tutor_core.errors import ConfigurationError, NotFound
from tutor_core.hashing import sha256_hex
from tutor_render_manim import __version__
from tutor_render_manim.api_catalog import ApiCatalog, catalog_data
from tutor_render_manim.docs_models import ApiEntry, ApiPage, Example, SearchHit
from tutor_render_manim.manim_introspect import Snapshot, collect

INDEX_FORMAT = 1
"""Bump when the schema or what introspection records changes."""

API_URI = "manim://api/{name}"
KEEP_INDEXES = 3
"""Index files of other Manim installations kept in the directory (newest first)."""

_STOPWORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how",
        "i", "in", "into", "is", "it", "of", "on", "or", "the", "this", "to", "use", "used",
        "using", "what", "when", "where", "which", "with",
    }
)  # fmt: skip
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_KIND_WEIGHT = {
    "class": 1.3,
    "function": 1.2,
    "method": 1.0,
    "property": 0.9,
    "constant": 0.8,
    "module": 0.6,
}

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE api (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    lname TEXT NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX api_lname ON api (lname);
CREATE VIRTUAL TABLE api_fts USING fts5 (name, words, summary, doc, tokenize = 'unicode61');
CREATE TABLE example (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    api TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE VIRTUAL TABLE example_fts USING fts5 (name, words, refs, code, tokenize = 'unicode61');
"""


def split_words(name: str) -> str:
    """`VMobject.set_fill` → `v mobject set fill`; `MathTex` → `math tex` (for search)."""
    return " ".join(w.lower() for w in _CAMEL.findall(name))


def manim_fingerprint() -> tuple[str, str]:
    """(Manim version, fingerprint of this installation) without importing Manim.

    Raises:
        ConfigurationError: Manim is not installed.
    """
    try:
        dist = distribution("manim")
    except PackageNotFoundError as exc:
        raise ConfigurationError(
            "Manim is not installed, so there is no API to index",
            hint="install it: pip install manim (see the README for its system packages)",
        ) from exc
    record = dist.read_text("RECORD") or ""
    payload = "\n".join(
        [
            dist.version,
            record,
            f"python {sys.version_info.major}.{sys.version_info.minor}",
            f"index {INDEX_FORMAT}",
            f"tutor-render-manim {__version__}",
        ]
    )
    return dist.version, sha256_hex(payload)[:16]


def default_cache_dir() -> Path:
    """`<tutor cache>/manim-docs` (`TUTOR_CACHE_DIR` or `TUTOR_HOME` move it)."""
    from tutor_core.settings import Settings

    return Settings().cache_root / "manim-docs"


def _fts_query(text: str, joiner: str) -> str | None:
    words = [w for w in re.findall(r"[A-Za-z0-9]+", text) if w]
    # CamelCase words also match their parts (`MathTex` finds `math tex`)
    tokens: list[str] = []
    for w in words:
        lw = w.lower()
        if lw in _STOPWORDS and len(words) > 1:
            continue
        tokens.append(lw)
    if not tokens:
        return None
    return f" {joiner} ".join(f'"{t}"*' for t in dict.fromkeys(tokens))


@contextlib.contextmanager
def _build_lock(directory: Path) -> Iterator[None]:
    with open(directory / ".build.lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def write_index(snapshot: Snapshot, path: Path) -> None:
    """Write the index of `snapshot` to `path` atomically (temp file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".index-", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        db = sqlite3.connect(tmp)
        try:
            _fill(db, snapshot)
            db.commit()
            db.execute("VACUUM")
        finally:
            db.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _fill(db: sqlite3.Connection, snapshot: Snapshot) -> None:
    db.executescript(_SCHEMA)
    for entry in snapshot.entries:
        cur = db.execute(
            "INSERT INTO api (name, lname, kind, data) VALUES (?, ?, ?, ?)",
            (entry.name, entry.name.lower(), entry.kind, entry.model_dump_json()),
        )
        params = " ".join(p.name for p in entry.params)
        db.execute(
            "INSERT INTO api_fts (rowid, name, words, summary, doc) VALUES (?, ?, ?, ?, ?)",
            (
                cur.lastrowid,
                entry.name,
                split_words(entry.name),
                entry.summary,
                f"{entry.doc}\n{params}",
            ),
        )
    for example in snapshot.examples:
        cur = db.execute(
            "INSERT INTO example (name, api, data) VALUES (?, ?, ?)",
            (example.name, example.api, example.model_dump_json()),
        )
        db.execute(
            "INSERT INTO example_fts (rowid, name, words, refs, code) VALUES (?, ?, ?, ?, ?)",
            (
                cur.lastrowid,
                example.name,
                split_words(example.name),
                " ".join(f"{r} {split_words(r)}" for r in example.refs),
                example.code,
            ),
        )
    counts = {
        "manim_version": snapshot.manim_version,
        "format": str(INDEX_FORMAT),
        "apis": str(len(snapshot.entries)),
        "examples": str(len(snapshot.examples)),
        "catalog": json.dumps(catalog_data(snapshot), separators=(",", ":")),
        "complete": "1",
    }
    db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", counts.items())


class DocsIndex:
    """Read-only access to one built index."""

    def __init__(self, path: Path) -> None:
        """Open an index file.

        Raises:
            ValueError: the file is not a complete index of the expected format.
        """
        self.path = Path(path)
        try:
            with self._connect() as db:
                meta = dict(db.execute("SELECT key, value FROM meta WHERE key != 'catalog'"))
        except sqlite3.Error as exc:
            raise ValueError(f"{self.path} is not a readable docs index: {exc}") from exc
        if meta.get("complete") != "1" or meta.get("format") != str(INDEX_FORMAT):
            raise ValueError(f"{self.path} is incomplete or of another format")
        self.manim_version = meta["manim_version"]
        self.api_count = int(meta["apis"])
        self.example_count = int(meta["examples"])
        self._catalog: ApiCatalog | None = None
        self._squashed: dict[str, list[str]] | None = None
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls,
        cache_dir: Path | None = None,
        *,
        rebuild: bool = False,
        snapshot: Callable[[], Snapshot] = collect,
    ) -> DocsIndex:
        """The index of the installed Manim, built first when missing, stale or damaged.

        Args:
            cache_dir: where index files live (default: `default_cache_dir()`).
            rebuild: build even when a good index exists.
            snapshot: how to describe Manim (introspection of the installed version).
        """
        directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        version, fingerprint = manim_fingerprint()
        path = directory / f"manim-{version}-{fingerprint}.sqlite"
        if not rebuild:
            with contextlib.suppress(ValueError, OSError):
                return cls(path)
        directory.mkdir(parents=True, exist_ok=True)
        with _build_lock(directory):
            # Another process may have finished the same build while we waited.
            if not rebuild:
                with contextlib.suppress(ValueError, OSError):
                    return cls(path)
            write_index(snapshot(), path)
            _prune(directory, keep=path)
        return cls(path)

    def _connect(self) -> sqlite3.Connection:
        # A connection per call: tools run in worker threads, and read-only opens are cheap.
        return sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)

    # -- lookups
    def catalog(self) -> ApiCatalog:
        """The API catalog for `api_check` (loaded once)."""
        with self._lock:
            if self._catalog is None:
                with self._connect() as db:
                    row = db.execute("SELECT value FROM meta WHERE key = 'catalog'").fetchone()
                self._catalog = ApiCatalog.from_json(row[0])
            return self._catalog

    def names(self) -> list[str]:
        with self._connect() as db:
            return [r[0] for r in db.execute("SELECT name FROM api ORDER BY name")]

    def entry(self, name: str) -> ApiEntry | None:
        """The entry named exactly `name`."""
        with self._connect() as db:
            row = db.execute("SELECT data FROM api WHERE name = ?", (name,)).fetchone()
        return ApiEntry.model_validate_json(row[0]) if row else None

    def resolve(self, name: str) -> ApiEntry:
        """The entry for a name as people write it: `Circle`, `manim.Circle`, `circle`,
        `Circle.set_fill` (found on its base `VMobject`).

        Raises:
            NotFound: no such name; the hint suggests close ones.
        """
        wanted = name.strip().strip("`").removesuffix("()")
        if wanted.startswith("manim.") and self.entry(wanted) is None:
            wanted = wanted.removeprefix("manim.")
        found = self.entry(wanted)
        if found is not None:
            return found
        with self._connect() as db:
            rows = db.execute("SELECT data FROM api WHERE lname = ?", (wanted.lower(),)).fetchall()
        if len(rows) == 1:
            return ApiEntry.model_validate_json(rows[0][0])
        if "." in wanted:
            owner, _, attr = wanted.rpartition(".")
            cls_entry = self.entry(owner) or self._by_lower(owner)
            if cls_entry is not None and cls_entry.kind == "constant" and cls_entry.value_type:
                cls_entry = self.entry(cls_entry.value_type)  # `config.frame_width`
            if cls_entry is not None and cls_entry.kind == "class":
                for base in cls_entry.bases:
                    member = self.entry(f"{base}.{attr}")
                    if member is not None:
                        return member
        from difflib import get_close_matches

        names = self.names()
        close = get_close_matches(wanted, names, n=5, cutoff=0.6)
        if not close:
            lowered = {n.lower(): n for n in names}
            close = [lowered[c] for c in get_close_matches(wanted.lower(), lowered, n=5)]
        hint = f"did you mean {', '.join(close)}? " if close else ""
        raise NotFound(
            f"Manim {self.manim_version} has no API named {name!r}",
            hint=hint + "search_docs finds names by what they do",
        )

    def _by_lower(self, name: str) -> ApiEntry | None:
        with self._connect() as db:
            rows = db.execute("SELECT data FROM api WHERE lname = ?", (name.lower(),)).fetchall()
        return ApiEntry.model_validate_json(rows[0][0]) if len(rows) == 1 else None

    def page(self, name: str, max_examples: int = 3) -> ApiPage:
        """Signature, docstring, parameters and examples of one API."""
        entry = self.resolve(name)
        examples = [e for e in (self.example(n) for n in entry.examples) if e is not None]
        if len(examples) < max_examples and entry.kind in {"class", "function"}:
            for extra in self._examples_referring_to(entry.name, max_examples):
                if all(extra.name != e.name for e in examples):
                    examples.append(extra)
        methods: list[str] = []
        inherited = 0
        if entry.kind == "class":
            with self._connect() as db:
                own = {
                    r[0].rsplit(".", 1)[-1]
                    for r in db.execute(
                        "SELECT name FROM api WHERE name LIKE ? ESCAPE '\\' "
                        "AND kind IN ('method', 'property')",
                        (_like_prefix(entry.name),),
                    )
                    if r[0].count(".") == entry.name.count(".") + 1
                }
                methods = sorted(own)
                everything: set[str] = set()
                for base in entry.bases[1:]:
                    for r in db.execute(
                        "SELECT name FROM api WHERE name LIKE ? ESCAPE '\\' "
                        "AND kind IN ('method', 'property')",
                        (_like_prefix(base),),
                    ):
                        if r[0].count(".") == base.count(".") + 1:
                            everything.add(r[0].rsplit(".", 1)[-1])
                inherited = len(everything - own)
        return ApiPage(
            name=entry.name,
            requested=name,
            kind=entry.kind,
            module=entry.module,
            manim_version=self.manim_version,
            signature=entry.signature,
            summary=entry.summary,
            doc=entry.doc,
            params=entry.params,
            keywords=entry.keywords,
            returns=entry.returns,
            bases=entry.bases,
            methods=methods,
            inherited_methods=inherited,
            value=entry.value,
            examples=examples[: max(max_examples, len(entry.examples))],
            uri=API_URI.format(name=entry.name),
        )

    def _examples_referring_to(self, name: str, limit: int) -> list[Example]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT e.data FROM example_fts f JOIN example e ON e.id = f.rowid "
                "WHERE example_fts MATCH ? ORDER BY bm25(example_fts, 1.0, 1.0, 10.0, 0.5) "
                "LIMIT ?",
                (f'refs : "{_fts_token(name)}"', limit * 4),
            ).fetchall()
        found = [Example.model_validate_json(r[0]) for r in rows]
        return [e for e in found if name in e.refs][:limit]

    # -- search
    def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        """APIs matching `query` (names, words of names, summaries, docstrings), best first.

        Raises:
            InvalidInput: the query has no searchable words.
        """
        from tutor_core.errors import InvalidInput

        stripped = query.strip()
        exact: list[ApiEntry] = []
        with contextlib.suppress(NotFound):
            if stripped and " " not in stripped:
                exact.append(self.resolve(stripped))
        for entry in self._name_matches(stripped):
            if all(entry.name != e.name for e in exact):
                exact.append(entry)
        strict = _fts_query(stripped, "AND")
        if strict is None:
            if exact:
                return [_hit(exact[0])]
            raise InvalidInput(
                f"the query {query!r} has no words to search for",
                hint="search with words such as 'circle', 'move to position' or 'MathTex'",
            )
        hits: list[ApiEntry] = list(exact)
        seen = {e.name for e in exact}
        loose = _fts_query(stripped, "OR")
        for fts in dict.fromkeys(q for q in (strict, loose) if q):
            if len(hits) >= limit:
                break
            for entry in self._fts(fts, limit * 3):
                if entry.name not in seen:
                    seen.add(entry.name)
                    hits.append(entry)
        return [_hit(e) for e in hits[:limit]]

    def _fts(self, fts: str, limit: int) -> list[ApiEntry]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT a.data, a.kind, bm25(api_fts, 10.0, 6.0, 3.0, 1.0) AS score "
                "FROM api_fts JOIN api a ON a.id = api_fts.rowid "
                "WHERE api_fts MATCH ? ORDER BY score LIMIT ?",
                (fts, limit),
            ).fetchall()
        entries = [(ApiEntry.model_validate_json(r[0]), r[2]) for r in rows]
        # bm25 scores are negative (lower is better): a larger weight ranks higher.
        ranked = sorted(entries, key=lambda pair: pair[1] * _weight(pair[0]))
        return [entry for entry, _ in ranked]

    def _name_matches(self, text: str) -> list[ApiEntry]:
        """Entries whose name, or last part of it, is `text` ignoring case, spaces and `_`."""
        key = _squash(text)
        if not key:
            return []
        if self._squashed is None:
            table: dict[str, list[str]] = {}
            for name in self.names():
                table.setdefault(_squash(name), []).append(name)
                last = name.rsplit(".", 1)[-1]
                if last != name:
                    table.setdefault(_squash(last), []).append(name)
            self._squashed = table
        found = [e for e in (self.entry(n) for n in self._squashed.get(key, [])) if e]
        return sorted(found, key=lambda e: (-_weight(e), len(e.name), e.name))[:5]

    # -- examples
    def example(self, name: str) -> Example | None:
        with self._connect() as db:
            row = db.execute("SELECT data FROM example WHERE name = ?", (name,)).fetchone()
        return Example.model_validate_json(row[0]) if row else None

    def examples(self, topic: str = "", limit: int = 10) -> tuple[int, list[Example]]:
        """(how many match, the best `limit`) of the examples about `topic` (all when empty)."""
        with self._connect() as db:
            fts = _fts_query(topic, "AND") if topic.strip() else None
            if fts is None:
                total = db.execute("SELECT count(*) FROM example").fetchone()[0]
                rows = db.execute(
                    "SELECT data FROM example ORDER BY name LIMIT ?", (limit,)
                ).fetchall()
                return int(total), [Example.model_validate_json(r[0]) for r in rows]
            for query in (fts, _fts_query(topic, "OR")):
                total = db.execute(
                    "SELECT count(*) FROM example_fts WHERE example_fts MATCH ?", (query,)
                ).fetchone()[0]
                if total:
                    rows = db.execute(
                        "SELECT e.data FROM example_fts f JOIN example e ON e.id = f.rowid "
                        "WHERE example_fts MATCH ? "
                        "ORDER BY bm25(example_fts, 8.0, 8.0, 5.0, 1.0) LIMIT ?",
                        (query, limit),
                    ).fetchall()
                    return int(total), [Example.model_validate_json(r[0]) for r in rows]
        return 0, []


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9.]", "", text.lower())


def _weight(entry: ApiEntry) -> float:
    """Ranking weight: classes and functions first; private and OpenGL-only names last."""
    weight = _KIND_WEIGHT.get(entry.kind, 1.0)
    if entry.kind != "module" and (entry.name.startswith("manim.") or "._" in entry.name):
        weight *= 0.3
    return weight


def _fts_token(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.]", "", name)


def _like_prefix(name: str) -> str:
    escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}.%"


def _hit(entry: ApiEntry) -> SearchHit:
    return SearchHit(
        name=entry.name,
        kind=entry.kind,
        signature=entry.signature,
        summary=entry.summary,
        uri=API_URI.format(name=entry.name),
    )


def _prune(directory: Path, keep: Path) -> None:
    """Remove all but the newest few index files (other Manim versions)."""
    others = sorted(
        (p for p in directory.glob("manim-*.sqlite") if p != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in others[KEEP_INDEXES - 1 :]:
        old.unlink(missing_ok=True)
