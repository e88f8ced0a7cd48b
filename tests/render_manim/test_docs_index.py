"""The Manim docs index: built from the installed Manim, cached by version, safe to share."""

from __future__ import annotations

import inspect
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from importlib.metadata import version
from pathlib import Path

import manim
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tutor_core.errors import InvalidInput, NotFound
from tutor_render_manim import docs_index as docs_index_module
from tutor_render_manim.api_check import ApiCatalog, check_api
from tutor_render_manim.docs_index import DocsIndex, split_words
from tutor_render_manim.manim_introspect import Snapshot, split_examples

MANIM_VERSION = version("manim")


def _fail() -> Snapshot:
    raise AssertionError("introspection ran although the cached index was valid")


# ------------------------------------------------------------------ cache and build


def test_index_is_keyed_by_the_installed_manim(docs_index: DocsIndex) -> None:
    assert docs_index.manim_version == MANIM_VERSION == manim.__version__
    assert docs_index.path.name.startswith(f"manim-{MANIM_VERSION}-")
    assert docs_index.api_count > 1000
    assert docs_index.example_count > 100


def test_an_up_to_date_index_is_reused_without_introspection(docs_cache: Path) -> None:
    index = DocsIndex.open(docs_cache, snapshot=_fail)
    assert index.entry("Circle") is not None


def test_a_new_manim_version_gets_a_new_index(
    tmp_path: Path, manim_snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = DocsIndex.open(tmp_path, snapshot=lambda: manim_snapshot)
    monkeypatch.setattr(docs_index_module, "manim_fingerprint", lambda: ("99.0.0", "f" * 16))
    calls: list[int] = []

    def counted() -> Snapshot:
        calls.append(1)
        return manim_snapshot

    second = DocsIndex.open(tmp_path, snapshot=counted)
    assert calls == [1], "a changed Manim fingerprint must rebuild the index"
    assert second.path != first.path
    assert second.path.name == f"manim-99.0.0-{'f' * 16}.sqlite"
    DocsIndex.open(tmp_path, snapshot=_fail)  # and the new one is then reused


@pytest.mark.parametrize("damage", ["garbage", "truncated", "incomplete", "empty"])
def test_a_damaged_index_is_rebuilt(tmp_path: Path, manim_snapshot: Snapshot, damage: str) -> None:
    good = DocsIndex.open(tmp_path, snapshot=lambda: manim_snapshot)
    path = good.path
    if damage == "garbage":
        path.write_bytes(b"this is not a database" * 100)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:4096])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        with sqlite3.connect(path) as db:
            db.execute("DELETE FROM meta WHERE key = 'complete'")
    calls: list[int] = []

    def counted() -> Snapshot:
        calls.append(1)
        return manim_snapshot

    rebuilt = DocsIndex.open(tmp_path, snapshot=counted)
    assert calls == [1]
    assert rebuilt.entry("Circle") is not None


def test_a_failed_build_leaves_nothing_behind(tmp_path: Path, manim_snapshot: Snapshot) -> None:
    def broken() -> Snapshot:
        raise RuntimeError("introspection crashed")

    with pytest.raises(RuntimeError):
        DocsIndex.open(tmp_path, snapshot=broken)
    assert not list(tmp_path.glob("manim-*.sqlite"))
    assert not list(tmp_path.glob(".index-*"))
    assert DocsIndex.open(tmp_path, snapshot=lambda: manim_snapshot).entry("Circle")


def test_old_indexes_are_pruned(tmp_path: Path, manim_snapshot: Snapshot) -> None:
    for i in range(5):
        (tmp_path / f"manim-0.{i}.0-{i:016d}.sqlite").write_bytes(b"old")
        os.utime(tmp_path / f"manim-0.{i}.0-{i:016d}.sqlite", (i, i))
    index = DocsIndex.open(tmp_path, snapshot=lambda: manim_snapshot)
    left = sorted(p.name for p in tmp_path.glob("manim-*.sqlite"))
    assert index.path.name in left
    assert len(left) == docs_index_module.KEEP_INDEXES
    assert "manim-0.4.0-0000000000000004.sqlite" in left  # the newest of the others


@pytest.mark.slow
def test_concurrent_builders_share_one_complete_index(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from tutor_render_manim.docs_index import DocsIndex
        from tutor_render_manim.manim_introspect import collect
        built = []
        def snapshot():
            built.append(1)
            return collect()
        index = DocsIndex.open(Path(sys.argv[1]), snapshot=snapshot)
        assert index.entry("Circle") is not None
        print(len(built), index.path)
        """
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-3000:]
        outputs.append(out.strip().split(" ", 1))
    assert sum(int(built) for built, _ in outputs) == 1, "only one process should introspect"
    paths = {path for _, path in outputs}
    assert len(paths) == 1
    files = list(tmp_path.glob("manim-*.sqlite"))
    assert [str(f) for f in files] == list(paths)
    assert not list(tmp_path.glob(".index-*")), "temporary build files were left behind"
    with sqlite3.connect(files[0]) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert DocsIndex(files[0]).entry("Circle") is not None


def test_readers_cannot_write(docs_index: DocsIndex) -> None:
    with docs_index._connect() as db, pytest.raises(sqlite3.OperationalError):
        db.execute("DELETE FROM api")


# ------------------------------------------------------------------ content


def test_circle_has_the_installed_signature(docs_index: DocsIndex) -> None:
    entry = docs_index.resolve("Circle")
    real = inspect.signature(manim.Circle)
    assert [p.name for p in entry.params] == list(real.parameters)
    radius = entry.params[0]
    assert radius.default == repr(real.parameters["radius"].default)
    assert entry.signature is not None and entry.signature.startswith("Circle(radius")


def test_keyword_chains_follow_kwargs_to_the_bases(docs_index: DocsIndex) -> None:
    circle = docs_index.resolve("Circle").keywords
    assert circle is not None and not circle.open
    assert circle.chain == ["Circle", "Arc", "TipableVMobject", "VMobject", "Mobject"]
    owners = {p.name: p.owner for p in circle.accepted}
    for name, owner in [
        ("radius", "Circle"),
        ("start_angle", "Arc"),
        ("fill_opacity", "VMobject"),
        ("z_index", "Mobject"),
    ]:
        assert owners[name] == owner
    # every keyword the real classes declare along the chain is there
    declared = set()
    for cls in manim.Circle.__mro__:
        if "__init__" in cls.__dict__ and cls is not object:
            sig = inspect.signature(cls.__dict__["__init__"])
            declared |= {
                p.name
                for p in sig.parameters.values()
                if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self"
            }
    assert declared == set(owners)


def test_kwargs_stored_for_later_make_a_chain_open(docs_index: DocsIndex) -> None:
    # Flash keeps **kwargs in an attribute: any keyword may be fine, so none is refused.
    flash = docs_index.resolve("Flash").keywords
    assert flash is not None and flash.open


def test_methods_functions_and_constants(docs_index: DocsIndex) -> None:
    set_fill = docs_index.resolve("Circle.set_fill")
    assert set_fill.name == "VMobject.set_fill"
    assert [p.name for p in set_fill.params] == ["color", "opacity", "family"]
    assert set_fill.returns == "Self"
    smooth = docs_index.resolve("smooth")
    assert smooth.kind == "function"
    red = docs_index.resolve("RED")
    assert red.kind == "constant" and red.value_type == "ManimColor" and red.value
    assert docs_index.resolve("config").value_type is not None


@pytest.mark.parametrize(
    ("asked", "found"),
    [
        ("circle", "Circle"),
        ("manim.Circle", "Circle"),
        ("`Circle`", "Circle"),
        ("Circle()", "Circle"),
        ("Square.next_to", "Mobject.next_to"),
        ("mathtex", "MathTex"),
        ("axes.plot", "CoordinateSystem.plot"),
        ("config.frame_width", "manim._config.utils.ManimConfig.frame_width"),
    ],
)
def test_names_are_resolved_as_people_write_them(
    docs_index: DocsIndex, asked: str, found: str
) -> None:
    assert docs_index.resolve(asked).name == found


def test_an_unknown_name_suggests_close_ones(docs_index: DocsIndex) -> None:
    with pytest.raises(NotFound) as info:
        docs_index.resolve("Circel")
    assert "Circle" in str(info.value.hint)
    assert MANIM_VERSION in info.value.message


def test_api_page_has_examples_and_methods(docs_index: DocsIndex) -> None:
    page = docs_index.page("Circle")
    assert page.examples and page.examples[0].code.startswith("from manim import *")
    assert "class CircleExample(Scene)" in page.examples[0].code
    assert "surround" in page.methods
    assert page.inherited_methods > 50
    assert page.bases[:2] == ["Circle", "Arc"]


# ------------------------------------------------------------------ search


@pytest.mark.parametrize(
    ("query", "expected", "within"),
    [
        ("MathTex", "MathTex", 1),
        ("circle", "Circle", 1),
        ("fade in", "FadeIn", 1),
        ("number line", "NumberLine", 1),
        ("set_fill", "VMobject.set_fill", 1),
        ("place next to another mobject", "Mobject.next_to", 3),
        ("arrange in a grid", "Mobject.arrange_in_grid", 3),
        ("plot function graph axes", "CoordinateSystem.plot", 5),
    ],
)
def test_search_finds_what_people_ask_for(
    docs_index: DocsIndex, query: str, expected: str, within: int
) -> None:
    names = [h.name for h in docs_index.search(query, 10)]
    assert expected in names[:within], names


def test_search_respects_the_limit_and_points_at_resources(docs_index: DocsIndex) -> None:
    hits = docs_index.search("color", 4)
    assert len(hits) == 4
    assert all(h.uri == f"manim://api/{h.name}" for h in hits)


def test_a_query_without_words_is_refused_clearly(docs_index: DocsIndex) -> None:
    with pytest.raises(InvalidInput) as info:
        docs_index.search("  ?! ", 5)
    assert info.value.hint


@given(st.text(max_size=80))
def test_search_never_breaks_on_arbitrary_text(docs_index: DocsIndex, query: str) -> None:
    # FTS5 query syntax (quotes, NEAR, *, column filters) must never reach SQLite raw.
    try:
        hits = docs_index.search(query, 5)
    except InvalidInput:
        return
    assert len(hits) <= 5


# ------------------------------------------------------------------ examples


def test_examples_by_topic(docs_index: DocsIndex) -> None:
    total, examples = docs_index.examples("graph axes", 3)
    assert total >= len(examples) == 3
    for example in examples:
        assert example.code.startswith("from manim import *")
        compile(example.code, example.name, "exec")
    everything, first = docs_index.examples("", 5)
    assert everything == docs_index.example_count and len(first) == 5
    assert docs_index.examples("qqqzzzxx", 5) == (0, [])


def test_every_docstring_example_passes_the_api_check(
    docs_index: DocsIndex, catalog: ApiCatalog
) -> None:
    total, examples = docs_index.examples("", 10_000)
    assert total == len(examples) > 100
    failures = {e.name: check_api(e.code, catalog) for e in examples}
    failures = {k: [p.describe() for p in v] for k, v in failures.items() if v}
    assert failures == {}, json.dumps(failures, indent=1)[:4000]


def test_split_examples_reads_manim_directives() -> None:
    doc = textwrap.dedent(
        """\
        A thing.

        Examples
        --------
        .. manim:: First
            :save_last_frame:
            :ref_classes: Circle ~.Square

            class First(Scene):
                def construct(self):

                    self.add(Circle())

        Text after the block.

        .. manim:: Second

            class Second(Scene):
                pass
        """
    )
    text, found = split_examples(doc)
    assert [f[0] for f in found] == ["First", "Second"]
    assert found[0][1] == {"save_last_frame": "", "ref_classes": "Circle ~.Square"}
    assert found[0][2].startswith("class First(Scene):")
    assert "self.add(Circle())" in found[0][2]
    assert "Text after the block." in text
    assert "manim://examples/First" in text and "construct" not in text


def test_split_words() -> None:
    assert split_words("MathTex") == "math tex"
    assert split_words("VMobject.set_fill") == "v mobject set fill"
    assert split_words("SVGMobject") == "svg mobject"
