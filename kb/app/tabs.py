"""The lookup, screening, documents and briefing tabs of the page: their components and their events.

Each function is called inside its ``gr.Tab`` by :func:`kb.app.ui.build_ui`; the work is done by
:class:`kb.app.state.WebApp`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from kb.app.assets import HITS_JS
from kb.app.documents import ACCEPTED_SUFFIXES, DOCUMENT_HEADERS
from kb.app.lookup import LOOKUP_HEADERS, LookupTable
from kb.app.party_view import outcome_style
from kb.app.state import ALL_FAMILIES, SCREEN_HEADERS, WebApp, destination_choices
from kb.app.view import defused_markdown, verdict_style

__all__ = ["briefing_tab", "documents_tab", "lookup_tab", "screening_tab"]

LOOKUP_PLACEHOLDER = "Name (English or 中文), HS code (e.g. 2850001901) or control code (3C001)"
SCREEN_PLACEHOLDER = "A buyer or end user: MP Materials, 芒廷帕斯材料公司, Red Cat Holdings Inc. …"
NO_COUNTRY = "Not given"
SCREENING_HELP = (
    "Screen a buyer or end user against the party lists held (MOFCOM's export-control **control list** "
    "and **watch list**, and the **Unreliable Entity List**) on the **As of** date above. Names in "
    "English or Chinese; legal forms (Inc., GmbH, 株式会社, 有限公司), case, punctuation, word order, "
    "small misspellings and aliases are allowed for. Each hit gives the list, the announcement, its "
    "measures, the dates, the status on the date, a score and why it matched. A near miss is a "
    "**possible match — check**, never a finding; no hit is **not found on the lists held**, which "
    "is not a clearance. A country, when given, raises or lowers the scores."
)
SCREENING_CSV_HELP = (
    "#### Screen a customer file\n"
    "A CSV file with a header row: a column of names (and, optionally, of ISO countries such as US, "
    "JP, DE). Every row is screened as of the date above, as `kb screen --csv` does; a row that cannot "
    "be screened is named with its line number and the rest are screened. The report (one row per "
    "customer, with the evidence) downloads as a CSV file of its own."
)
BRIEFING_HELP = (
    "A briefing pack for trainers: what is controlled, the items with codes, dates and status history, "
    "destination rules, licence procedure and penalties, and a short FAQ, every fact cited. "
    "It uses the **As of** date above. Tick **Include the party lists** for the parties on MOFCOM's control "
    "list and watch list and the Unreliable Entity List, with their status on that date."
)
DOCUMENTS_HELP = (
    "What the knowledge base has indexed: the **official** sources and **your own** documents. "
    "Add your own ({types}, up to {mb} MB each): they are searched and shown as evidence, labelled "
    "as yours, and never change a verdict."
)
#: Gradio reports an upload's progress (the ingest's progress bars) to the handler that names it.
_PROGRESS = gr.Progress(track_tqdm=True)


def lookup_tab(web: WebApp, as_of: Any, destination: Any, exports: Path, demo: gr.Blocks) -> None:
    """Search the catalogue; the table (coloured verdicts, why each row matched) and its CSV."""
    with gr.Row():
        query = gr.Textbox(label="Search", placeholder=LOOKUP_PLACEHOLDER, scale=4, elem_id="kb-lookup-query")
        family = gr.Dropdown(
            choices=[ALL_FAMILIES, *web.families()], value=ALL_FAMILIES, label="Family", scale=2
        )
        search = gr.Button("Search", variant="primary", scale=1, elem_id="kb-lookup-search")
    lookup_note = gr.Markdown(elem_id="kb-lookup-note")
    table = gr.Dataframe(
        headers=list(LOOKUP_HEADERS),
        interactive=False,
        wrap=True,
        column_widths=["7%", "14%", "8%", "9%", "9%", "13%", "12%", "7%", "13%", "8%"],
        max_height=640,
        elem_id="kb-lookup-table",
    )
    csv_file = gr.DownloadButton("Download CSV", elem_id="kb-lookup-csv")

    def on_lookup(text: str, fam: str, day: str, dest: str) -> tuple[Any, str, Any]:
        result = web.lookup(text, fam, day, dest)
        path = web.lookup_csv(result, exports, day)
        return _styled(result), result.note, gr.DownloadButton(value=str(path))

    lookup_inputs = [query, family, as_of, destination]
    lookup_outputs = [table, lookup_note, csv_file]
    search.click(on_lookup, lookup_inputs, lookup_outputs, api_name="lookup")
    query.submit(on_lookup, lookup_inputs, lookup_outputs, api_visibility="private")
    family.change(on_lookup, lookup_inputs, lookup_outputs, api_visibility="private")
    demo.load(on_lookup, lookup_inputs, lookup_outputs, api_visibility="private")


def screening_tab(web: WebApp, as_of: Any, exports: Path) -> gr.HTML:
    """Screen one name, or every name of a CSV file, against the party lists held on the date;
    returns the one-name results (their "Open the announcement" buttons open the source viewer)."""
    gr.Markdown(SCREENING_HELP)
    countries = [(NO_COUNTRY, ""), *destination_choices()[1:]]
    with gr.Row(equal_height=True):
        name = gr.Textbox(label="Name", placeholder=SCREEN_PLACEHOLDER, scale=4, elem_id="kb-screen-name")
        country = gr.Dropdown(
            choices=countries, value="", label="Country", scale=2, elem_id="kb-screen-country"
        )
        screen = gr.Button("Screen", variant="primary", scale=1, elem_id="kb-screen-go")
    results = gr.HTML(elem_id="kb-screen-results", js_on_load=HITS_JS)
    gr.Markdown(SCREENING_CSV_HELP)
    with gr.Row(equal_height=True):
        upload = gr.File(
            label="Customer file (CSV)",
            file_count="single",
            file_types=[".csv"],
            type="filepath",
            height=110,
            scale=3,
            elem_id="kb-screen-csv",
        )
        with gr.Column(scale=2):
            column = gr.Textbox(value="name", label="Name column", max_lines=1, elem_id="kb-screen-column")
            country_column = gr.Textbox(
                label="Country column (optional)",
                placeholder="default: 'country' when there is one",
                max_lines=1,
                elem_id="kb-screen-country-column",
            )
        with gr.Column(scale=1, min_width=160):
            again = gr.Button("Screen the file", elem_id="kb-screen-file")
            report = gr.DownloadButton("Download report (CSV)", visible=False, elem_id="kb-screen-report")
    status = gr.Markdown(elem_id="kb-screen-status")
    table = gr.Dataframe(
        headers=list(SCREEN_HEADERS),
        interactive=False,
        wrap=True,
        column_widths=["5%", "13%", "6%", "10%", "5%", "13%", "12%", "11%", "11%", "14%"],
        max_height=480,
        elem_id="kb-screen-table",
    )

    def on_screen(text: str, code: str, day: str) -> str:
        return web.screen(text, code, day)

    screen.click(on_screen, [name, country, as_of], [results], api_name="screen")
    name.submit(on_screen, [name, country, as_of], [results], api_visibility="private")

    def on_file(file: str | None, col: str, country_col: str, day: str) -> tuple[Any, ...]:
        done = web.screen_csv(Path(file) if file else None, col, country_col, day, exports)
        button = (
            gr.DownloadButton(value=str(done.path), visible=True)
            if done.path
            else gr.DownloadButton(value=None, visible=False)
        )
        return done.message, _coloured(done.rows, done.outcomes, SCREEN_HEADERS, "Outcome"), button

    file_inputs = [upload, column, country_column, as_of]
    file_outputs = [status, table, report]
    upload.upload(on_file, file_inputs, file_outputs, concurrency_limit=2, api_visibility="private")
    again.click(on_file, file_inputs, file_outputs, concurrency_limit=2, api_visibility="private")
    return results


def documents_tab(web: WebApp, tab: gr.Tab) -> gr.HTML:
    """What is indexed, uploads and removal of the user's own documents, and a search over every
    document; returns the search results (their "Open" buttons open the source viewer)."""
    gr.Markdown(DOCUMENTS_HELP.format(types=" ".join(ACCEPTED_SUFFIXES), mb=web.settings.max_upload_mb))
    uploads = gr.File(
        label="Add your own documents",
        file_count="multiple",
        file_types=list(ACCEPTED_SUFFIXES),
        type="filepath",
        height=120,
        elem_id="kb-upload",
    )
    upload_status = gr.Markdown(elem_id="kb-upload-status")
    documents_table = gr.Dataframe(
        headers=list(DOCUMENT_HEADERS),
        interactive=False,
        wrap=True,
        column_widths=["9%", "36%", "22%", "17%", "6%", "10%"],
        max_height=420,
        elem_id="kb-documents-table",
    )
    with gr.Row(equal_height=True):
        own_documents = gr.Dropdown(
            choices=[],
            value=None,
            label="Your own documents",
            scale=4,
            elem_id="kb-own-documents",
        )
        remove = gr.Button("Remove", variant="stop", scale=1, elem_id="kb-remove")
    with gr.Row(equal_height=True):
        doc_query = gr.Textbox(
            label="Search every document",
            placeholder="Words to find in the official sources and your own documents",
            scale=5,
            elem_id="kb-doc-query",
        )
        doc_search = gr.Button("Search", scale=1, elem_id="kb-doc-search")
    hits = gr.HTML(elem_id="kb-doc-hits", js_on_load=HITS_JS)

    def documents_view() -> tuple[Any, Any]:
        rows = web.documents()
        own = [(f"{row.title} ({row.upload})", row.upload) for row in rows if row.upload]
        return [row.cells() for row in rows], gr.Dropdown(choices=own, value=None)

    def on_upload(files: list[str] | None, progress: gr.Progress = _PROGRESS) -> tuple[Any, ...]:
        progress(0, desc="Reading and indexing your documents")
        message = web.upload([(Path(f).name, Path(f)) for f in files or []], progress=True)
        return (message, *documents_view(), None)

    uploads.upload(
        on_upload,
        [uploads],
        [upload_status, documents_table, own_documents, uploads],
        concurrency_limit=1,
        api_visibility="private",
    )

    def on_remove(name: str | None) -> tuple[Any, ...]:
        return (web.remove(name), *documents_view())

    remove.click(
        on_remove,
        [own_documents],
        [upload_status, documents_table, own_documents],
        concurrency_limit=1,
        api_visibility="private",
    )
    tab.select(documents_view, None, [documents_table, own_documents], api_visibility="private")
    for event in (doc_search.click, doc_query.submit):
        event(web.search_documents, [doc_query], [hits], api_visibility="private")

    return hits


def briefing_tab(web: WebApp, as_of: Any, exports: Path) -> None:
    """Build a briefing pack for some families as of the date; preview and three downloads."""
    gr.Markdown(BRIEFING_HELP)
    with gr.Row():
        pack_families = gr.Dropdown(
            choices=web.families(),
            value=web.families()[:1],
            multiselect=True,
            label="Mineral families",
            scale=4,
            elem_id="kb-brief-families",
        )
        with gr.Column(scale=1, min_width=200):
            with_parties = gr.Checkbox(
                value=False,
                label="Include the party lists",
                info="Every party listed on the date and its status, the announcement cited.",
                elem_id="kb-brief-parties",
            )
            build = gr.Button("Build briefing pack", variant="primary", elem_id="kb-brief-build")
    with gr.Row():
        md_file = gr.DownloadButton("Markdown", visible=False, elem_id="kb-brief-md")
        html_file = gr.DownloadButton("HTML", visible=False, elem_id="kb-brief-html")
        docx_file = gr.DownloadButton("Word (DOCX)", visible=False, elem_id="kb-brief-docx")
    preview = gr.Markdown(elem_id="kb-brief-preview")

    def on_build(fams: list[str], day: str, parties: bool) -> tuple[Any, ...]:
        result = web.briefing(fams, day, exports, parties=bool(parties))
        buttons = [
            gr.DownloadButton(value=str(result.paths[fmt]), visible=True)
            if fmt in result.paths
            else gr.DownloadButton(visible=False)
            for fmt in ("md", "html", "docx")
        ]
        return (defused_markdown(result.markdown), *buttons)

    build.click(
        on_build,
        [pack_families, as_of, with_parties],
        [preview, md_file, html_file, docx_file],
        api_visibility="private",
    )


def _styled(table: LookupTable) -> Any:
    """The lookup rows with each verdict cell coloured like the chat's verdict badges."""
    colours = [verdict_style(value) for value in table.verdicts]
    return _frame(table.rows, colours, LOOKUP_HEADERS, "Verdict")


def _coloured(rows: list[list[str]], outcomes: tuple[str, ...], headers: tuple[str, ...], column: str) -> Any:
    """The screening rows with each outcome cell coloured like the party badges."""
    return _frame(rows, [outcome_style(value) for value in outcomes], headers, column)


def _frame(rows: list[list[str]], colours: list[str], headers: tuple[str, ...], column: str) -> Any:
    import pandas as pd  # type: ignore[import-untyped]

    frame = pd.DataFrame(rows, columns=list(headers))
    if not rows:
        return frame
    return frame.style.apply(lambda _: colours, subset=[column])
