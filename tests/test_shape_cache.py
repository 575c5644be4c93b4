"""The demo polygons' cache gives the very geometry a fresh tessellation gives, and survives a broken file."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from data_access.demo import shape_cache
from data_access.demo.shape_cache import clear_memo, demo_tessellation
from geo.tessellation import Tessellation, tessellate

# A small district (about 2 km by 2 km near Hangzhou) of two streets of three communities: fast to tessellate.
OUTLINE = box(120.13, 30.30, 120.15, 30.32)
STREETS = {"s-south": ["c1", "c2", "c3"], "s-north": ["c4", "c5", "c6"]}


def _wkb(result: Tessellation) -> dict[str, bytes]:
    return {code: g.wkb for code, g in (result.streets | result.communities).items()}


@pytest.fixture(autouse=True)
def fresh_memo():
    clear_memo()
    yield
    clear_memo()


def test_tessellation_is_deterministic_for_a_seed_without_any_cache():
    first, again = tessellate(OUTLINE, STREETS, 3), tessellate(OUTLINE, STREETS, 3)
    assert first is not again
    assert _wkb(first) == _wkb(again)
    assert _wkb(tessellate(OUTLINE, STREETS, 4)) != _wkb(first)


def test_cached_polygons_are_the_same_wkb_as_fresh_ones_in_memory_and_on_disk(tmp_path):
    fresh = _wkb(tessellate(OUTLINE, STREETS, 3))
    computed = demo_tessellation(OUTLINE, STREETS, 3, tmp_path)
    assert _wkb(computed) == fresh
    assert list(computed.communities) == ["c1", "c2", "c3", "c4", "c5", "c6"]
    assert len(list(tmp_path.glob("tessellation-*.json"))) == 1
    assert _wkb(demo_tessellation(OUTLINE, STREETS, 3, tmp_path)) == fresh  # from this process's memo
    clear_memo()
    assert _wkb(demo_tessellation(OUTLINE, STREETS, 3, tmp_path)) == fresh  # read back from the file


def test_the_cache_is_computed_once_per_input_and_keyed_by_every_input(tmp_path, monkeypatch):
    calls = []

    def counting(*args):
        calls.append(args)
        return tessellate(*args)

    monkeypatch.setattr(shape_cache, "tessellate", counting)
    demo_tessellation(OUTLINE, STREETS, 3, tmp_path)
    demo_tessellation(OUTLINE, STREETS, 3, tmp_path)
    clear_memo()
    demo_tessellation(OUTLINE, STREETS, 3, tmp_path)
    assert len(calls) == 1
    demo_tessellation(OUTLINE, STREETS, 4, tmp_path)
    demo_tessellation(box(120.13, 30.30, 120.16, 30.32), STREETS, 3, tmp_path)
    demo_tessellation(OUTLINE, {"s-south": ["c1", "c2"], "s-north": ["c4", "c5", "c6", "c3"]}, 3, tmp_path)
    assert len(calls) == 4
    assert len(list(tmp_path.glob("tessellation-*.json"))) == 4


def test_an_unreadable_cache_file_is_ignored_and_written_again(tmp_path):
    fresh = _wkb(tessellate(OUTLINE, STREETS, 3))
    demo_tessellation(OUTLINE, STREETS, 3, tmp_path)
    (path,) = tmp_path.glob("tessellation-*.json")
    for broken in ('{"key": "', '{"key": 1}', "", '{"streets": {"s-south": "zz"}}'):
        path.write_text(broken)
        clear_memo()
        assert _wkb(demo_tessellation(OUTLINE, STREETS, 3, tmp_path)) == fresh
        assert _wkb(demo_tessellation(OUTLINE, STREETS, 3, tmp_path)) == fresh
    clear_memo()
    assert _wkb(demo_tessellation(OUTLINE, STREETS, 3, tmp_path)) == fresh  # the rewritten file reads back
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind


def test_an_unwritable_cache_directory_still_gives_the_polygons(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    assert _wkb(demo_tessellation(OUTLINE, STREETS, 3, blocked / "cache")) == _wkb(tessellate(OUTLINE, STREETS, 3))
