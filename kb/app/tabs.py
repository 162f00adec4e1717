"""The lookup, documents and briefing tabs of the page: their components and their events.

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
from kb.app.state import ALL_FAMILIES, WebApp
from kb.app.view import defused_markdown, verdict_style

__all__ = ["briefing_tab", "documents_tab", "lookup_tab"]

LOOKUP_PLACEHOLDER = "Name (English or 中文), HS code (e.g. 2850001901) or control code (3C001)"
BRIEFING_HELP = (
    "A briefing pack for trainers: what is controlled, the items with codes, dates and status history, "
    "destination rules, licence procedure and penalties, and a short FAQ, every fact cited. "
    "It uses the **As of** date above."
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
        build = gr.Button("Build briefing pack", variant="primary", scale=1, elem_id="kb-brief-build")
    with gr.Row():
        md_file = gr.DownloadButton("Markdown", visible=False, elem_id="kb-brief-md")
        html_file = gr.DownloadButton("HTML", visible=False, elem_id="kb-brief-html")
        docx_file = gr.DownloadButton("Word (DOCX)", visible=False, elem_id="kb-brief-docx")
    preview = gr.Markdown(elem_id="kb-brief-preview")

    def on_build(fams: list[str], day: str) -> tuple[Any, ...]:
        result = web.briefing(fams, day, exports)
        buttons = [
            gr.DownloadButton(value=str(result.paths[fmt]), visible=True)
            if fmt in result.paths
            else gr.DownloadButton(visible=False)
            for fmt in ("md", "html", "docx")
        ]
        return (defused_markdown(result.markdown), *buttons)

    build.click(
        on_build,
        [pack_families, as_of],
        [preview, md_file, html_file, docx_file],
        api_visibility="private",
    )


def _styled(table: LookupTable) -> Any:
    """The lookup rows with each verdict cell coloured like the chat's verdict badges."""
    import pandas as pd  # type: ignore[import-untyped]

    frame = pd.DataFrame(table.rows, columns=list(LOOKUP_HEADERS))
    if not table.rows:
        return frame
    colours = [verdict_style(value) for value in table.verdicts]
    return frame.style.apply(lambda _: colours, subset=["Verdict"])
