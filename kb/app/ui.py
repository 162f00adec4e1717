"""The Gradio page: ask (cited verdicts in a chat), look items up, screen parties, manage documents,
build briefing packs.

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
# Gradio's queue sums up its last events for its monitoring page (which this app does not turn on)
# after every event, in a pandas table of up to 10,000 rows: under load that is a fifth of the
# server's time. Keep 100 events and sum them up only every 10,000th.
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "100")
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "10000")

import gradio as gr

from kb.app.assets import APP_CSS, CITATIONS_JS, TRANSCRIPT_JS, VIEWER_JS, step_date_js
from kb.app.conversations import History
from kb.app.security import middleware
from kb.app.state import EXAMPLES, NO_SOURCES, ChatView, WebApp, destination_choices
from kb.app.tabs import briefing_tab, documents_tab, lookup_tab, screening_tab
from kb.app.transcript import transcript_html
from kb.config import Settings

log = logging.getLogger(__name__)

INTRO = (
    "### China's export controls on strategic minerals · "
    "cited answers on gallium, germanium, antimony, graphite, tungsten, rare earths and more, as of a date"
)
#: Where the browser keeps the conversations. The key encrypts them in the browser's storage only
#: against casual reading; it is sent to the page, so it is no secret (and need not be one).
STORAGE_KEY = "kb-conversations-v1"
STORAGE_SECRET = "kb-conversations"


def build_ui(web: WebApp, exports: Path) -> gr.Blocks:
    """The page: the date and destination controls above five tabs, and the source viewer."""
    demo = gr.Blocks(
        title="Export-control knowledge base", analytics_enabled=False, delete_cache=(3600, 3600)
    )
    with demo:
        gr.Markdown(INTRO)
        with gr.Row(equal_height=False, elem_id="kb-controls"):
            with gr.Column(scale=3, min_width=360):
                with gr.Row(equal_height=False):
                    as_of = gr.Textbox(
                        value=_today(),
                        label="As of",
                        info="YYYY-MM-DD (default today); a date named in the question wins.",
                        max_lines=1,
                        scale=3,
                        elem_id="kb-as-of",
                    )
                    back = gr.Button("◀ Day", size="sm", scale=0, min_width=84, elem_id="kb-day-back")
                    forward = gr.Button("Day ▶", size="sm", scale=0, min_width=84, elem_id="kb-day-forward")
                    today = gr.Button("Today", size="sm", scale=0, min_width=70, elem_id="kb-day-today")
                date_message = gr.Markdown(elem_id="kb-date-message", elem_classes=["kb-date-message"])
            destination = gr.Dropdown(
                choices=destination_choices(),
                value="",
                label="Destination",
                info="A destination named in the question wins.",
                scale=2,
                elem_id="kb-destination",
            )
        stored = gr.BrowserState(None, storage_key=STORAGE_KEY, secret=STORAGE_SECRET)
        session = gr.State(None)
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                with gr.Row():
                    with gr.Column(scale=3):
                        transcript = gr.HTML(
                            transcript_html(History().current),
                            elem_id="kb-transcript",
                            js_on_load=TRANSCRIPT_JS,
                        )
                        with gr.Row():
                            question = gr.Textbox(
                                placeholder="Ask about an item, an HS code, a destination or a procedure…",
                                show_label=False,
                                scale=6,
                                max_lines=6,
                                elem_id="kb-question",
                            )
                            ask = gr.Button("Ask", variant="primary", scale=1, elem_id="kb-ask")
                            clear = gr.Button("Clear", scale=1, elem_id="kb-clear")
                        with gr.Row(equal_height=True):
                            picker = gr.Dropdown(
                                choices=[],
                                value=None,
                                label="Conversations (kept in this browser)",
                                scale=4,
                                elem_id="kb-conversations",
                            )
                            export = gr.DownloadButton(
                                "Export (Markdown)",
                                size="sm",
                                scale=0,
                                min_width=150,
                                visible=False,
                                elem_id="kb-export",
                            )
                            forget = gr.Button(
                                "Delete", size="sm", scale=0, min_width=80, elem_id="kb-delete"
                            )
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
                        citations = gr.HTML(NO_SOURCES, elem_id="kb-citations", js_on_load=CITATIONS_JS)
                coverage = gr.Markdown(elem_id="kb-coverage")
            with gr.Tab("Lookup", id="lookup"):
                lookup_tab(web, as_of, destination, exports / "lookup", demo)
            with gr.Tab("Screening", id="screening"):
                screened = screening_tab(web, as_of, exports / "screening")
            with gr.Tab("Documents", id="documents") as documents:
                hits = documents_tab(web, documents)
            with gr.Tab("Briefing", id="briefing"):
                briefing_tab(web, as_of, exports / "briefings")
        viewer = gr.HTML("", elem_id="kb-source", js_on_load=VIEWER_JS)

        # -- the chat ------------------------------------------------------------------------------

        def shown(history: History, view: ChatView) -> tuple[Any, ...]:
            """(session, transcript, badge, citations, conversation picker, viewer)."""
            value = history.current.id if history.current.turns else None
            return (
                history,
                view.transcript,
                view.badge,
                view.citations,
                gr.Dropdown(history.choices(), value=value),
                "",
            )

        chat_outputs = [session, transcript, badge, citations, picker, viewer]

        def save(history: History | None, request: gr.Request) -> tuple[Any, Any]:
            """The conversations into the browser's storage, and the current one as an export."""
            if history is None or not history.restored:
                return gr.skip(), gr.skip()  # never save a history the page did not restore over its own
            path = web.export(history, exports / "conversations")
            button = (
                gr.DownloadButton(value=str(path), visible=True) if path else gr.DownloadButton(visible=False)
            )
            return history.to_stored(_user(request)), button

        def on_load(value: object, current: History | None, request: gr.Request) -> tuple[Any, ...]:
            history = web.restore(value, _user(request))
            if current is not None and current.current.turns:  # asked before the page had loaded
                history.adopt(current.current)
            notes = " ".join(history.notes)
            return (*shown(history, web.view(history)), _today(), web.coverage_note(), notes)

        demo.load(
            on_load,
            [stored, session],
            [*chat_outputs, as_of, coverage, feedback_status],
            api_visibility="private",
        ).then(save, [session], [stored, export], api_visibility="private")

        def on_ask(text: str, history: History | None, day: str, dest: str) -> Iterator[tuple[Any, ...]]:
            history = history or web.new_history()
            for view in web.ask(history, text, day, dest):
                yield (*shown(history, view), "", web.check_date(day)[1])

        ask_outputs = [*chat_outputs, question, date_message]
        for trigger in (ask.click, question.submit):
            trigger(
                on_ask,
                [question, session, as_of, destination],
                ask_outputs,
                api_name="on_ask",
                concurrency_limit=4,
                show_progress="minimal",
            ).then(save, [session], [stored, export], api_visibility="private")

        def on_transcript(
            history: History | None, text: str, evt: gr.EventData, request: gr.Request
        ) -> tuple[Any, ...]:
            data = evt._data or {}
            history = history or web.new_history()
            if data.get("action") == "rate":
                rating = "up" if data.get("rating") == "up" else "down"
                return (
                    gr.skip(),
                    gr.skip(),
                    web.rate_turn(history, data.get("turn", ""), rating, text, _user(request)),
                )
            view = web.view(history, _number(data.get("turn")), _number(data.get("n")))
            return view.badge, view.citations, gr.skip()

        transcript.click(
            on_transcript, [session, comment], [badge, citations, feedback_status], api_visibility="private"
        )

        def on_clear(history: History | None) -> tuple[Any, ...]:
            history = history or web.new_history()
            history.start()
            return shown(history, web.view(history))

        def on_select(history: History | None, chosen: str | None) -> tuple[Any, ...]:
            history = history or web.new_history()
            if chosen:
                history.select(chosen)
            return shown(history, web.view(history))

        def on_delete(history: History | None) -> tuple[Any, ...]:
            history = history or web.new_history()
            history.delete(history.current.id)
            return shown(history, web.view(history))

        for event, handler, inputs in (
            (clear.click, on_clear, [session]),
            (picker.input, on_select, [session, picker]),
            (forget.click, on_delete, [session]),
        ):
            event(handler, inputs, chat_outputs, api_visibility="private").then(
                save, [session], [stored, export], api_visibility="private"
            )

        def on_open(day: str, evt: gr.EventData) -> str:
            data = evt._data or {}
            return web.open_source(str(data.get("doc", "")), data.get("loc"), day)

        citations.click(on_open, [as_of], [viewer], api_visibility="private")
        hits.click(on_open, [as_of], [viewer], api_visibility="private")  # the documents tab's results
        screened.click(on_open, [as_of], [viewer], api_visibility="private")  # a screened party's source

        def rate(rating: str) -> Any:
            def handler(history: History | None, text: str, request: gr.Request) -> tuple[str, str]:
                return web.rate_last(history or web.new_history(), rating, text, _user(request)), ""

            return handler

        up.click(rate("up"), [session, comment], [feedback_status, comment], api_visibility="private")
        down.click(rate("down"), [session, comment], [feedback_status, comment], api_visibility="private")

        # -- the date control ----------------------------------------------------------------------

        def on_date(text: str) -> tuple[Any, str]:
            shown, message = web.check_date(text)
            # An ISO date is left alone: a step by the buttons may already have replaced it.
            return (gr.skip() if shown == (text or "").strip() else shown), message

        as_of.blur(on_date, [as_of], [as_of, date_message], api_visibility="private")
        as_of.submit(on_date, [as_of], [as_of, date_message], api_visibility="private")
        # Stepping runs in the browser (quick clicks add up); a date typed another way is read on blur.
        back.click(None, [as_of, date_message], [as_of, date_message], js=step_date_js(-1))
        forward.click(None, [as_of, date_message], [as_of, date_message], js=step_date_js(1))
        today.click(lambda: (_today(), ""), None, [as_of, date_message], api_visibility="private")

    return demo


def _today() -> str:
    return dt.date.today().isoformat()


def _number(value: object) -> int | None:
    try:
        return int(str(value)) if value not in (None, "") else None
    except ValueError:
        return None


def _user(request: gr.Request | None) -> str | None:
    return getattr(request, "username", None) if request is not None else None


def launch(settings: Settings, host: str, port: int, queue_size: int, build_index: bool = True) -> None:
    """Build the index if it is missing, then serve the app until interrupted."""
    web = WebApp(settings)
    if build_index:
        print(web.ensure_index(), flush=True)
    with tempfile.TemporaryDirectory(prefix="kb-app-") as folder:
        demo = build_ui(web, Path(folder))
        demo.queue(max_size=queue_size, default_concurrency_limit=2)
        demo.launch(
            server_name=host,
            server_port=port,
            auth=list(settings.auth) or None,
            auth_message=(
                f"Export-control knowledge base: sign in. After {settings.login_attempts} failed attempts "
                "from one address, wait a minute before trying again."
                if settings.auth
                else None
            ),
            share=False,
            css=APP_CSS,
            allowed_paths=[folder],
            footer_links=["api", "settings"],
            run_history=False,
            max_file_size=f"{settings.max_upload_mb}mb",
            app_kwargs={"middleware": middleware(settings.login_attempts)},
            # Each session's conversation (up to KB_MAX_HISTORY_KB) stays in the server's memory after
            # its page closes; Gradio keeps 10,000 sessions unless told otherwise.
            state_session_capacity=settings.max_sessions,
            prevent_thread_lock=True,
        )
        # The page answers from here on; the corpus, the index and the model load meanwhile, so the
        # first question finds them ready (a question asked sooner waits for what it needs).
        web.warm_up()
        demo.block_thread()
