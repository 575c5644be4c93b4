"""The oversight tab of /policies: drawn when its tab is opened, not on every switch of tabs; drawn once per area,
user and policy data version (the shared answer cache), anew when a figure may have changed; the same figures
whether drawn or served; without the cache every answer is drawn and none fails."""

from __future__ import annotations

import orjson
import pytest
from dash.exceptions import PreventUpdate
from sqlalchemy import text

from callbacks import answers
from callbacks.policies import page
from data_access import cache as answers_cache
from data_access.policies import oversight
from data_access.session import reading
from tests.helpers import access_of


@pytest.fixture
def drawn(monkeypatch):
    """The cache as a dict in this process; counts how often the figures are drawn."""
    kept: dict[str, bytes] = {}
    count = {"drawn": 0}
    monkeypatch.setattr(answers_cache, "get", kept.get)
    monkeypatch.setattr(answers_cache, "put", lambda name, value, seconds=0: kept.__setitem__(name, value))
    real = page.oversight_outputs

    def counting(conn, scope):
        count["drawn"] += 1
        return real(conn, scope)

    monkeypatch.setattr(page, "oversight_outputs", counting)
    return count


def _json(outputs) -> list:
    return orjson.loads(orjson.dumps(list(outputs)))


def test_switching_to_another_tab_draws_nothing(as_user, drawn):
    with as_user("official"):
        for tab in ("person", "enterprise", "applications", "payments"):
            with pytest.raises(PreventUpdate):
                page.show_oversight(tab)
    assert drawn["drawn"] == 0


def test_the_figures_are_drawn_once_per_data_version_and_user(as_user, drawn, engine):
    with as_user("official"):
        first = _json(page.show_oversight("oversight"))
        again = _json(page.show_oversight("oversight"))
    assert drawn["drawn"] == 1 and first == again
    overview, figures = first[0], first[1]
    assert figures and all({"eligible", "applied", "paid", "yuan"} <= set(r) for r in figures)
    assert overview  # the leader's sentences
    with as_user("civil.official"):  # a department's own staff: another answer (only its applications)
        page.show_oversight("oversight")
    assert drawn["drawn"] == 2
    with reading(access_of("official")) as conn:  # the same as drawn without the cache
        fresh = page.oversight_outputs(conn, "330105")
    assert orjson.loads(b"[" + b",".join(answers.encoded(v) for v in fresh) + b"]") == first


def test_the_version_moves_with_a_step_a_payment_or_an_import(conn):
    official = access_of("official")
    with reading(official) as read:
        before = oversight.data_version(read)
    assert before == oversight.data_version(conn)  # past row-level security: the same for everyone
    application = conn.execute(text("SELECT id, community_code, department_code FROM policy_application LIMIT 1")
                               ).one()
    conn.execute(text("INSERT INTO policy_application_node (application_id, community_code, department_code, step,"
                      " actor) VALUES (:a, :c, :d, 'accepted', 'test')"),
                 {"a": application[0], "c": application[1], "d": application[2]})
    after_step = oversight.data_version(conn)
    assert after_step != before
    conn.execute(text("""INSERT INTO import_run (started_at, username, org_code, kind, file_name, file_sha256,
                         result) VALUES (now(), 'x', '330105000000', 'civil_roll', 'f.csv', repeat('0', 64),
                         'rejected')"""))
    assert oversight.data_version(conn) != after_step


def test_without_the_cache_every_answer_is_drawn(as_user, monkeypatch):
    monkeypatch.setattr(answers_cache, "get", lambda name: None)
    monkeypatch.setattr(answers_cache, "put", lambda name, value, seconds=0: None)
    with as_user("official"):
        assert _json(page.show_oversight("oversight")) == _json(page.show_oversight("oversight"))
