"""The scoreboard in headless Chromium: the leader reads the seed's sentences with the database's figures and
the streets ranked; a street official sees his street marked; the big-screen page fills 1920×1080 and
3840×2160 without scrollbars or outside requests, is drawn once while no figure changes, and the big screen
turns from the map to the scoreboard."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import text

from tests.browser import ARTIFACTS, login


def _outside(urls: list[str]) -> list[str]:
    return [u for u in urls if urlsplit(u).scheme in ("http", "https", "ws", "wss")
            and urlsplit(u).hostname not in ("127.0.0.1", "localhost")]


def _received(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM appeal")).scalar()


def test_the_leader_reads_the_seeds_sentences_and_the_streets_ranked(browser, server, engine):
    page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, server, "leader", "/scoreboard")
    page.wait_for_selector(".sb-table tbody tr", timeout=30_000)
    sentences = page.locator(".sb-headline").all_inner_texts()
    assert len(sentences) == 7
    assert f"累计收到复核申请{_received(engine)}条" in sentences[0] and "截至" in sentences[0]
    with engine.connect() as conn:
        migrants = conn.execute(text("SELECT count(*) FROM mg_migrant")).scalar()
        reached = dict(conn.execute(text("SELECT target, count(DISTINCT beneficiary) FROM policy_payment"
                                         " WHERE status = 'paid' GROUP BY target")).all())
    assert f"惠及企业{reached['enterprise']}家" in sentences[4] and "截至" in sentences[4]
    assert f"共收录流动人口信息{migrants}条" in sentences[5] and "截至" in sentences[5]
    assert f"惠及{reached['person']}人" in sentences[6] and "截至" in sentences[6]
    assert page.locator(".sb-ranking").first.locator("tbody tr").count() == 10
    weights = page.inner_text(".sb-weights")
    assert "SANSETU" not in weights and "各项指标权重相同" in weights  # the weights in words, no setting's name
    assert page.get_attribute(".sb-make-brief", "href") == "/scoreboard/brief.pdf"  # one click (the PDF: its test)
    page.wait_for_selector(".sb-briefs li", state="attached")  # the history of briefs, or that there is none yet
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "scoreboard_leader.png"), full_page=True)
    assert _outside(requests) == [] and errors == []
    page.close()


def test_the_brief_button_is_in_sight_above_99_ranked_communities(browser, server):
    """The leader's page ranks every community (99 rows); the brief's button and its history are above them,
    in sight without scrolling; the rankings state yesterday's change and name the two policies' measures."""
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    login(page, server, "leader", "/scoreboard")
    page.wait_for_selector(".sb-table tbody tr", timeout=30_000)
    assert page.locator(".sb-ranking").nth(1).locator("tbody tr").count() == 99
    button = page.locator(".sb-make-brief").bounding_box()
    assert page.evaluate("window.scrollY") == 0 and button["y"] + button["height"] <= 768 and button["y"] >= 0
    assert "较昨日" in page.inner_text(".sb-ranking thead")
    page.click(".sb-brief-history summary")
    page.wait_for_selector(".sb-briefs li")  # the history opens under the button
    page.click("#scoreboard-measure")
    options = page.locator(".dash-dropdown-option, [role='option']").all_inner_texts()
    assert any("企业申请办理超时" in o for o in options) and any("应发未发" in o for o in options)
    page.screenshot(path=str(ARTIFACTS / "scoreboard_leader_top.png"))
    page.close()


def test_a_street_official_sees_his_street_marked_among_all(browser, server):
    page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    login(page, server, "gcq.official", "/scoreboard")
    page.wait_for_selector(".sb-table tr.sb-own", timeout=30_000)
    assert "拱宸桥街道（本街道）" in page.inner_text(".sb-table tr.sb-own")
    assert page.locator(".sb-ranking").first.locator("tbody tr").count() == 10
    assert "本街道在全区10个街道中综合排名第" in page.inner_text(".sb-place")
    assert "覆盖拱宸桥街道" in page.inner_text(".sb-headlines")
    page.close()


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (3840, 2160)])
def test_the_scoreboard_fills_the_big_screen_without_scrollbars_and_is_drawn_once(browser, server, width, height):
    page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    requests, errors, draws = [], [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("request", lambda r: draws.append(1) if "scoreboard-screen-title" in (r.post_data or "") else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, server, "leader", "/scoreboard/screen")
    page.wait_for_selector(".sbs-headlines .sb-headline", timeout=30_000)
    page.wait_for_timeout(11_000)  # two checks of the figures' digest: nothing changed, nothing drawn again
    page.screenshot(path=str(ARTIFACTS / f"scoreboard_screen_{width}x{height}.png"))
    assert page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]") == [
        width, height]
    overflowing = page.evaluate("""[...document.querySelectorAll('.sb-screen *')]
        .filter(e => e.scrollHeight > e.clientHeight + 1 && getComputedStyle(e).overflowY !== 'visible').length""")
    assert overflowing == 0  # nothing cut off inside the panels either
    assert "拱墅区晾晒台" in page.inner_text("h1")
    assert page.locator(".sbs-headlines .sb-headline").count() == 7
    assert page.locator(".sbs-ranking").first.locator("li").count() == 10
    assert len(draws) == 1
    assert _outside(requests) == [] and errors == []
    page.close()


def test_the_big_screen_turns_from_the_map_to_the_scoreboard(browser, server):
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    login(page, server, "leader", "/bigscreen?turn=10")
    page.wait_for_url(lambda url: "/scoreboard/screen" in url, timeout=40_000)
    assert "turn=10" in page.url
    page.wait_for_selector(".sbs-headlines .sb-headline", timeout=30_000)
    page.close()


def test_the_big_screen_of_a_role_without_the_scoreboard_stays_on_the_map(browser, server, engine):
    """A community worker may see the big screen but not the scoreboard: the turn asks once, is refused, stays."""
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    login(page, server, "tzl.worker", "/bigscreen?turn=10")
    page.wait_for_selector(".big-kpi-value", timeout=30_000)
    page.wait_for_timeout(24_000)  # two turns' time
    assert urlsplit(page.url).path == "/bigscreen"
    with engine.connect() as conn:
        refused = conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'refused'"
                                    " AND username = 'tzl.worker' AND detail::text LIKE '%/scoreboard/screen%'"
                                    " AND at > now() - interval '2 minutes'")).scalar()
    assert refused == 1
    page.close()
