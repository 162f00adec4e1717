"""The Gradio page: ask (chat with cited verdicts), look up controlled items, build briefing packs.

Layout and wiring only; the work is done by :class:`kb.app.state.WebApp`. Started by ``make run``,
``kb serve`` or ``python app.py`` (the same flags as ``kb serve``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Before gradio is imported: no analytics or version checks leave the machine.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

from kb.app.state import ALL_FAMILIES, EXAMPLES, LOOKUP_HEADERS, WebApp, destination_choices
from kb.app.view import APP_CSS
from kb.config import Settings

log = logging.getLogger(__name__)

INTRO = (
    "## China's export controls on strategic minerals\n"
    "Cited answers on gallium, germanium, antimony, graphite, tungsten, rare earths and more, as of a date."
)
LOOKUP_PLACEHOLDER = "Name (English or 中文), HS code (e.g. 2850001901) or control code (3C001)"
BRIEFING_HELP = (
    "A briefing pack for trainers: what is controlled, the items with codes, dates and status history, "
    "destination rules, licence procedure and penalties, and a short FAQ, every fact cited. "
    "It uses the **As of** date above."
)

_OPEN_SOURCE_JS = """
element.addEventListener('click', (event) => {
  const button = event.target.closest('button.kb-open');
  if (button) { trigger('click', {doc: button.dataset.doc, loc: button.dataset.loc}); }
});
"""
_SCROLL_TO_HIT_JS = """
watch('value', () => {
  const hit = element.querySelector('#kb-hit');
  if (hit) { hit.scrollIntoView({block: 'center'}); }
});
"""


def build_ui(web: WebApp, exports: Path) -> gr.Blocks:
    """The page: shared date and destination controls above three tabs."""
    demo = gr.Blocks(title="Export-control knowledge base", analytics_enabled=False)
    with demo:
        gr.Markdown(INTRO)
        with gr.Row(equal_height=True):
            as_of = gr.DateTime(
                value=_today(),
                include_time=False,
                type="string",
                label="As of",
                info="Default today; a date named in the question wins over today.",
                elem_id="kb-as-of",
            )
            destination = gr.Dropdown(
                choices=destination_choices(),
                value="",
                label="Destination",
                info="Leave at 'Any destination' to use the one the question names, if any.",
                elem_id="kb-destination",
            )
        answers = gr.State([])
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                with gr.Row():
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(
                            label="Answers",
                            height=560,
                            feedback_options=("Like", "Dislike"),
                            elem_id="kb-chat",
                            buttons=["copy"],
                        )
                        with gr.Row():
                            question = gr.Textbox(
                                placeholder="Ask about an item, an HS code, a destination or a procedure…",
                                show_label=False,
                                scale=6,
                                elem_id="kb-question",
                            )
                            ask = gr.Button("Ask", variant="primary", scale=1, elem_id="kb-ask")
                        gr.Examples(list(EXAMPLES), inputs=question, label="Examples / 示例")
                        with gr.Row(equal_height=True):
                            comment = gr.Textbox(
                                label="Comment on the last answer (optional)", scale=4, elem_id="kb-comment"
                            )
                            up = gr.Button("✓ Helpful", scale=1, elem_id="kb-up")
                            down = gr.Button("✗ Wrong or unclear", scale=1, elem_id="kb-down")
                        feedback_status = gr.Markdown(elem_id="kb-feedback-status")
                    with gr.Column(scale=2):
                        badge = gr.HTML(elem_id="kb-badge")
                        citations = gr.HTML(
                            value='<p class="kb-note">Sources of the answer appear here.</p>',
                            label="Sources",
                            elem_id="kb-citations",
                            js_on_load=_OPEN_SOURCE_JS,
                        )
                        source = gr.HTML(elem_id="kb-source", js_on_load=_SCROLL_TO_HIT_JS)
                gr.Markdown(web.coverage_note(), elem_id="kb-coverage")
            with gr.Tab("Lookup", id="lookup"):
                with gr.Row():
                    query = gr.Textbox(
                        label="Search",
                        placeholder=LOOKUP_PLACEHOLDER,
                        scale=4,
                        elem_id="kb-lookup-query",
                    )
                    family = gr.Dropdown(
                        choices=[ALL_FAMILIES, *web.families()],
                        value=ALL_FAMILIES,
                        label="Family",
                        scale=2,
                    )
                    search = gr.Button("Search", variant="primary", scale=1, elem_id="kb-lookup-search")
                lookup_note = gr.Markdown(elem_id="kb-lookup-note")
                table = gr.Dataframe(
                    headers=list(LOOKUP_HEADERS),
                    interactive=False,
                    wrap=True,
                    column_widths=["8%", "15%", "9%", "10%", "11%", "15%", "8%", "16%", "8%"],
                    max_height=640,
                    elem_id="kb-lookup-table",
                )
                csv_file = gr.DownloadButton("Download CSV", elem_id="kb-lookup-csv")
            with gr.Tab("Briefing", id="briefing"):
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
                    build = gr.Button(
                        "Build briefing pack", variant="primary", scale=1, elem_id="kb-brief-build"
                    )
                with gr.Row():
                    md_file = gr.DownloadButton("Markdown", visible=False, elem_id="kb-brief-md")
                    html_file = gr.DownloadButton("HTML", visible=False, elem_id="kb-brief-html")
                    docx_file = gr.DownloadButton("Word (DOCX)", visible=False, elem_id="kb-brief-docx")
                preview = gr.Markdown(elem_id="kb-brief-preview")

        def on_ask(
            text: str, history: list[dict[str, str]], state: list[Any], day: str, dest: str
        ) -> Iterator[tuple[Any, ...]]:
            for update in web.chat(text, history, state, day, dest):
                yield update.history, update.answers, update.badge, update.citations, "", ""

        chat_outputs = [chatbot, answers, badge, citations, question, source]
        chat_inputs = [question, chatbot, answers, as_of, destination]
        ask.click(on_ask, chat_inputs, chat_outputs, concurrency_limit=4)
        question.submit(on_ask, chat_inputs, chat_outputs, concurrency_limit=4)

        def on_open(day: str, evt: gr.EventData) -> str:
            data = evt._data or {}
            return web.open_source(str(data.get("doc", "")), data.get("loc"), day)

        citations.click(on_open, [as_of], [source])

        def rate(rating: str) -> Any:
            def handler(state: list[Any], text: str, request: gr.Request) -> tuple[str, str]:
                last = next((a for a in reversed(state) if a is not None), None)
                return web.record_feedback(last, rating, text, _user(request)), ""

            return handler

        up.click(rate("up"), [answers, comment], [feedback_status, comment])
        down.click(rate("down"), [answers, comment], [feedback_status, comment])

        def on_like(state: list[Any], text: str, evt: gr.LikeData, request: gr.Request) -> tuple[str, str]:
            return web.feedback_for_message(state, evt.index, evt.liked, text, _user(request)), ""

        chatbot.like(on_like, [answers, comment], [feedback_status, comment])

        def on_lookup(text: str, fam: str, day: str, dest: str) -> tuple[Any, str, Any]:
            result = web.lookup(text, fam, day, dest)
            path = web.lookup_csv(result, exports, day)
            return result.rows, result.note, gr.DownloadButton(value=str(path))

        lookup_inputs = [query, family, as_of, destination]
        lookup_outputs = [table, lookup_note, csv_file]
        search.click(on_lookup, lookup_inputs, lookup_outputs)
        query.submit(on_lookup, lookup_inputs, lookup_outputs)
        family.change(on_lookup, lookup_inputs, lookup_outputs)
        # Each page load gets that day's date (not the start-up day's), then the full table for it.
        demo.load(_today, None, as_of).then(on_lookup, lookup_inputs, lookup_outputs)

        def on_build(fams: list[str], day: str) -> tuple[Any, ...]:
            result = web.briefing(fams, day, exports / "briefings")
            buttons = [
                gr.DownloadButton(value=str(result.paths[fmt]), visible=True)
                if fmt in result.paths
                else gr.DownloadButton(visible=False)
                for fmt in ("md", "html", "docx")
            ]
            return (result.markdown, *buttons)

        build.click(on_build, [pack_families, as_of], [preview, md_file, html_file, docx_file])
    return demo


def _today() -> str:
    return dt.date.today().isoformat()


def _user(request: gr.Request | None) -> str | None:
    return getattr(request, "username", None) if request is not None else None


def launch(settings: Settings, host: str, port: int, queue_size: int, build_index: bool = True) -> None:
    """Build the index if it is missing, then serve the app until interrupted."""
    web = WebApp(settings)
    if build_index:
        print(web.ensure_index(), flush=True)
    web.warm_up()
    with tempfile.TemporaryDirectory(prefix="kb-app-") as folder:
        demo = build_ui(web, Path(folder))
        demo.queue(max_size=queue_size, default_concurrency_limit=2)
        demo.launch(
            server_name=host,
            server_port=port,
            auth=list(settings.auth) or None,
            auth_message="Export-control knowledge base: sign in" if settings.auth else None,
            share=False,
            css=APP_CSS,
            allowed_paths=[folder],
            footer_links=["api", "settings"],
            run_history=False,
        )
