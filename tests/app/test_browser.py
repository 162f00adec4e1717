"""The app in a real headless browser: ask, see a cited verdict, look up an HS code, download a pack.

Uses Debian's chromium (``make browser`` installs it) through playwright's Python package; nothing
is downloaded at run time. The app runs in a subprocess on a free loopback port against a copy of
the session's real index. Screenshots land in ``evals/reports/screenshots/`` for people to look at.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, BuiltIndex, copy_home, running_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SCREENSHOTS = ROOT / "evals" / "reports" / "screenshots"
QUESTION = "Do I need a licence to export gallium nitride?"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def app_home(built_index: BuiltIndex, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_home(built_index, tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def app_url(app_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python app.py`` on a free loopback port; stopped after the module's tests."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent: `make browser` installs it (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright's Python package is not installed")
    with running_app(app_home, tmp_path_factory.mktemp("browser-log") / "app.log") as url:
        yield url


@pytest.fixture(scope="module")
def page(app_url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(60_000)
        outside: list[str] = []
        page.on("request", lambda r: outside.append(r.url) if not _local(r.url) else None)
        page.goto(app_url, wait_until="load")  # never "networkidle": Gradio keeps a connection open
        page.wait_for_selector("#kb-question textarea")
        yield page
        assert outside == [], f"the page reached outside the machine: {outside}"
        browser.close()


def _local(url: str) -> bool:
    return url.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))


def test_ask_shows_a_cited_verdict(page: Any, app_home: Path) -> None:
    page.fill("#kb-question textarea", QUESTION)
    page.click("#kb-ask")
    badge = page.wait_for_selector("#kb-badge .kb-badge[data-verdict]")
    assert badge.get_attribute("data-verdict") == "licence_required"
    assert "LICENCE REQUIRED" in badge.inner_text()
    link = page.wait_for_selector("#kb-citations .kb-cite a.kb-link")
    assert (link.get_attribute("href") or "").startswith("http")
    first_card = page.locator("#kb-citations .kb-cite").first
    assert first_card.get_attribute("data-doc") == "mofcom-gac-2023-23"
    chat = page.locator("#kb-chat").inner_text()
    assert "needs a dual-use export licence from MOFCOM" in chat and "[1]" in chat
    page.wait_for_timeout(800)  # let the chat finish its own scrolling to the end of the answer
    page.evaluate("document.querySelector('#kb-chat .bubble-wrap').scrollTop = 0")  # the verdict first
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / "chat.png"))

    page.locator("#kb-citations button.kb-open").first.click()
    hit = page.wait_for_selector("#kb-source .kb-hit")
    assert "Gallium nitride" in hit.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "source.png"), full_page=True)

    page.fill("#kb-comment textarea", "clear and cited")
    page.click("#kb-up")
    page.wait_for_function(
        "document.querySelector('#kb-feedback-status').innerText.includes('recorded')", timeout=30_000
    )
    (record,) = [json.loads(line) for line in (app_home / "feedback.jsonl").read_text().splitlines()]
    assert (record["question"], record["rating"], record["comment"]) == (QUESTION, "up", "clear and cited")
    assert record["verdict"] == "licence_required" and record["citations"]


def test_lookup_finds_an_hs_code_and_downloads_csv(page: Any) -> None:
    page.get_by_role("tab", name="Lookup").click()
    page.fill("#kb-lookup-query textarea, #kb-lookup-query input", "2850001901")
    page.click("#kb-lookup-search")
    page.wait_for_function(
        "document.querySelector('#kb-lookup-note').innerText.includes(\"matching '2850001901'\")"
    )
    table = page.locator("#kb-lookup-table")
    assert "Gallium nitride" in table.inner_text() and "3C001.b" in table.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "lookup.png"))
    with page.expect_download() as download:
        page.click("#kb-lookup-csv")
    path = download.value.path()
    text = Path(path).read_text(encoding="utf-8-sig")
    assert text.startswith("Family,Item,名称,Verdict") and "2850001901" in text


def test_briefing_pack_downloads(page: Any) -> None:
    page.get_by_role("tab", name="Briefing").click()
    page.click("#kb-brief-build")
    page.wait_for_selector("#kb-brief-docx", state="visible")
    assert "Export-control briefing: gallium" in page.locator("#kb-brief-preview").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "briefing.png"))
    with page.expect_download() as docx_download:
        page.click("#kb-brief-docx")
    assert docx_download.value.suggested_filename.endswith(".docx")
    assert Path(docx_download.value.path()).read_bytes()[:2] == b"PK"
    with page.expect_download() as md_download:
        page.click("#kb-brief-md")
    assert "## Items, codes and verdicts on" in Path(md_download.value.path()).read_text(encoding="utf-8")
