"""The page's CSS and the small scripts of its HTML components (Gradio's ``js_on_load``).

Each script runs with Gradio's ``element`` (the component's root), ``trigger`` (sends an event to
the server with data), ``props`` (the component's value) and ``watch`` (runs after a new value
has rendered). None of them fetches anything: the page's Content-Security-Policy would refuse it.
"""

from __future__ import annotations

__all__ = ["APP_CSS", "CITATIONS_JS", "HITS_JS", "TRANSCRIPT_JS", "VIEWER_JS", "step_date_js"]


def step_date_js(days: int) -> str:
    """A button's client-side handler (inputs: the date box and its message) that moves an ISO date
    by ``days`` at once, so quick clicks add up; any other text is left for the server to read."""
    return f"""(text, message) => {{
  const m = /^(\\d{{4}})-(\\d{{2}})-(\\d{{2}})$/.exec((text || '').trim());
  if (!m) {{ return [text, message]; }}
  const day = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  day.setUTCDate(day.getUTCDate() + ({days}));
  return [day.toISOString().slice(0, 10), ''];
}}"""


#: The chat transcript: keeps the start of the newest answer (its verdict) in view instead of
#: following the end of a long answer; a ``[n]`` scrolls to and highlights source card ``n`` (of
#: that answer: the server is asked for the answer's sources when the panel shows another one);
#: the thumbs rate that answer.
TRANSCRIPT_JS = """
let shown = null;
function focusNewest() {
  const box = element.querySelector('.kb-transcript');
  if (!box) { return; }
  const key = [box.dataset.conversation, box.dataset.turns, box.dataset.focus, box.dataset.pending].join(':');
  if (key === shown) { return; }
  shown = key;
  const turn = box.querySelector('#kb-turn-' + box.dataset.focus);
  box.scrollTop = turn
    ? box.scrollTop + turn.getBoundingClientRect().top - box.getBoundingClientRect().top - 6
    : 0;
}
element.addEventListener('click', (event) => {
  const ref = event.target.closest('a.kb-ref');
  if (ref) {
    event.preventDefault();
    const panel = document.querySelector('#kb-citations .kb-cites');
    if (panel && panel.dataset.turn === ref.dataset.turn && window.kbHighlightCite) {
      window.kbHighlightCite(ref.dataset.n);
      const card = panel.querySelector('#kb-cite-' + ref.dataset.n);
      if (card && document.querySelector('#kb-source .kb-viewer')) { card.click(); }  // viewer follows
    } else {
      trigger('click', {action: 'cite', turn: ref.dataset.turn, n: ref.dataset.n});
    }
    return;
  }
  const rate = event.target.closest('button.kb-rate');
  if (rate) {
    trigger('click', {action: 'rate', turn: rate.dataset.turn, rating: rate.dataset.rate});
    return;
  }
  const sources = event.target.closest('button.kb-sources');
  if (sources) { trigger('click', {action: 'cite', turn: sources.dataset.turn, n: ''}); }
});
watch('value', focusNewest);
focusNewest();
"""

#: The sources panel: a click on a card (or Enter on it) opens the source viewer at the cited
#: part; ``window.kbHighlightCite(n)`` highlights card ``n`` and scrolls it into view.
CITATIONS_JS = """
function highlight(n) {
  let found = null;
  element.querySelectorAll('.kb-cite').forEach((card) => {
    const on = card.dataset.n === String(n);
    card.classList.toggle('kb-cite-active', on);
    if (on) { found = card; }
  });
  if (found) { found.scrollIntoView({block: 'nearest'}); }
}
window.kbHighlightCite = highlight;
element.addEventListener('click', (event) => {
  if (event.target.closest('a')) { return; }
  const card = event.target.closest('.kb-cite');
  if (card) {
    highlight(card.dataset.n);
    trigger('click', {doc: card.dataset.doc, loc: card.dataset.loc});
  }
});
element.addEventListener('keydown', (event) => {
  const card = event.target.closest && event.target.closest('.kb-cite');
  if (card && (event.key === 'Enter' || event.key === ' ')) { event.preventDefault(); card.click(); }
});
watch('value', () => {
  const list = element.querySelector('.kb-cites');
  if (list && list.dataset.active) { highlight(list.dataset.active); }
});
"""

#: Search results of the documents tab: "Open" shows the document in the source viewer.
HITS_JS = """
element.addEventListener('click', (event) => {
  const open = event.target.closest('button.kb-open');
  if (open) { trigger('click', {doc: open.dataset.doc, loc: open.dataset.loc}); }
});
"""

#: The source viewer: a panel along the right edge of the window that leaves the chat usable,
#: scrolled (inside itself) to the cited part, closed by its button or Escape.
VIEWER_JS = """
function close() { props.value = ''; }
element.addEventListener('click', (event) => {
  if (event.target.closest('.kb-viewer-close')) { close(); }
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && element.querySelector('.kb-viewer-frame')) { close(); }
});
watch('value', () => {
  const body = element.querySelector('.kb-viewer-body');
  const hit = element.querySelector('#kb-hit');
  if (body) {
    body.scrollTop = hit
      ? body.scrollTop + hit.getBoundingClientRect().top - body.getBoundingClientRect().top - 8
      : 0;
  }
  const dialog = element.querySelector('.kb-viewer');
  if (dialog) { dialog.focus({preventScroll: true}); }
});
"""

APP_CSS = """
.kb-badge{display:inline-flex;align-items:center;gap:.45rem;padding:.35rem .8rem;border-radius:999px;
 font-weight:700;font-size:1rem;border:2px solid currentColor;letter-spacing:.02em}
.kb-badge small{font-weight:500;opacity:.85}
.kb-verdict-line{margin:.2rem 0 .4rem 0;color:var(--body-text-color-subdued);font-size:.9rem}
.kb-note{font-size:.85rem;color:var(--body-text-color-subdued)}
.kb-date-message p{margin:0;font-size:.85rem}
#kb-day-back,#kb-day-forward,#kb-day-today{align-self:center;margin-top:1.2rem}

.kb-transcript{height:min(520px,calc(100vh - 330px));min-height:300px;overflow-y:auto;
 border:1px solid var(--border-color-primary);border-radius:8px;
 padding:.6rem .8rem;background:var(--background-fill-primary)}
.kb-transcript::after{content:"";display:block;height:calc(100% - 140px)}
.kb-empty{color:var(--body-text-color-subdued);padding:2rem 1rem;text-align:center}
.kb-dropped{text-align:center}
.kb-turn{margin:0 0 1.1rem 0}
.kb-q{background:var(--color-accent-soft);border-radius:8px;padding:.45rem .7rem;margin:0 0 .45rem 12%;
 white-space:pre-wrap;overflow-wrap:anywhere}
.kb-a{border-left:3px solid var(--border-color-accent);padding:.2rem .2rem .2rem .7rem;overflow-wrap:anywhere}
.kb-lead{font-size:1.02rem;font-weight:600;margin:.45rem 0}
.kb-a h4{font-size:.78rem;text-transform:uppercase;letter-spacing:.05em;color:var(--body-text-color-subdued);
 margin:.6rem 0 .2rem 0}
.kb-a ul{margin:.1rem 0 .3rem 1.1rem;padding:0}
.kb-a li{margin:.15rem 0}
.kb-a p{margin:.25rem 0}
.kb-a .kb-caveats{font-size:.86rem;color:var(--body-text-color-subdued)}
.kb-a-message{color:#b45309}
.kb-notice{background:#fffbeb;color:#78350f;border:1px solid #f59e0b;border-radius:6px;padding:.3rem .55rem;
 font-size:.88rem;margin:.3rem 0}
a.kb-ref{font-weight:600;text-decoration:none;background:var(--color-accent-soft);border-radius:4px;
 padding:0 .2rem;cursor:pointer;color:inherit}
a.kb-ref:hover{text-decoration:underline}
.kb-actions{display:flex;gap:.4rem;margin-top:.35rem}
.kb-actions button{cursor:pointer;border:1px solid var(--border-color-primary);border-radius:6px;
 padding:.05rem .45rem;background:var(--button-secondary-background-fill);font-size:.8rem}

#kb-citations{max-height:640px;overflow-y:auto}
.kb-cites{display:flex;flex-direction:column;gap:.6rem}
.kb-cites-head{font-size:.8rem;color:var(--body-text-color-subdued)}
.kb-cite{border:1px solid var(--border-color-primary);border-radius:8px;padding:.55rem .7rem;font-size:.88rem;
 cursor:pointer;scroll-margin:.5rem}
.kb-cite:hover{border-color:var(--border-color-accent)}
.kb-cite-active{outline:3px solid #f59e0b;background:#fffbeb;color:#1f2933}
.kb-cite-own{border-style:dashed}
.kb-own-label{font-size:.78rem;font-weight:600;color:#6d28d9;margin:.1rem 0}
.kb-cite-head{display:flex;gap:.5rem;align-items:baseline}
.kb-cite-n{font-weight:700;background:var(--color-accent-soft);border-radius:4px;padding:0 .35rem}
.kb-cite-title{font-weight:600}
.kb-cite-meta{color:var(--body-text-color-subdued);font-size:.8rem;margin:.15rem 0}
.kb-cite-text{border-left:3px solid var(--border-color-primary);padding-left:.5rem;margin:.3rem 0}
.kb-cite-actions{display:flex;gap:.8rem;align-items:center}
.kb-cites button.kb-open,.kb-hits button.kb-open{cursor:pointer;border:1px solid var(--border-color-primary);
 border-radius:6px;padding:.1rem .5rem;background:var(--button-secondary-background-fill);font-size:.8rem;
 font-weight:500}
.kb-rows{font-size:.75rem;border-collapse:collapse}
.kb-rows td,.kb-rows th{border:1px solid #ddd;padding:.1rem .25rem}

.kb-viewer-frame{position:fixed;top:0;right:0;bottom:0;width:min(640px,42vw);z-index:1000;display:flex}
.kb-viewer{background:var(--background-fill-primary);color:var(--body-text-color);width:100%;height:100%;
 display:flex;flex-direction:column;box-shadow:-10px 0 40px rgba(0,0,0,.3);outline:none;
 border-left:1px solid var(--border-color-primary)}
.kb-viewer-head{display:flex;gap:1rem;justify-content:space-between;align-items:flex-start;padding:.7rem 1rem;
 border-bottom:1px solid var(--border-color-primary)}
.kb-viewer-head h3{margin:0 0 .2rem 0}
.kb-viewer-heading{min-width:0;overflow-wrap:anywhere}
.kb-viewer-close{cursor:pointer;border:1px solid var(--border-color-primary);border-radius:6px;
 padding:.2rem .6rem;background:var(--button-secondary-background-fill);font-weight:600;white-space:nowrap}
.kb-viewer-body{overflow-y:auto;padding:.4rem 1rem 1rem 1rem;font-size:.9rem}
.kb-doc section{padding:.3rem .5rem;border-radius:6px;margin:.3rem 0}
.kb-doc h4{margin:.2rem 0}
.kb-doc .kb-body p{margin:.2rem 0}
.kb-doc .kb-hit{background:#fef9c3;outline:2px solid #facc15;color:#1f2933}
.kb-doc table{font-size:.8rem;border-collapse:collapse}
.kb-doc td,.kb-doc th{border:1px solid #ddd;padding:.15rem .3rem}

.kb-parties{margin:.15rem 0 .45rem 0;display:flex;flex-direction:column;gap:.25rem;font-size:.88rem}
.kb-parties-head{font-size:.75rem;text-transform:uppercase;letter-spacing:.05em;
 color:var(--body-text-color-subdued)}
.kb-party-badge{display:inline-block;font-size:.74rem;font-weight:700;border:1px solid currentColor;
 border-radius:999px;padding:0 .45rem;margin-right:.2rem;white-space:nowrap}
.kb-screening{display:flex;flex-direction:column;gap:.6rem}
.kb-screen-outcome{font-size:1rem}
.kb-party-card{border:1px solid var(--border-color-primary);border-radius:8px;padding:.55rem .7rem;
 font-size:.88rem}
.kb-party-card[data-match="possible"]{border-style:dashed}
.kb-party-head{display:flex;gap:.5rem;align-items:baseline;flex-wrap:wrap;margin-bottom:.3rem}
.kb-party-name{font-weight:700}
.kb-party-facts{border-collapse:collapse;width:100%;margin:.2rem 0}
.kb-party-facts th{text-align:left;vertical-align:top;white-space:nowrap;padding:.1rem .6rem .1rem 0;
 color:var(--body-text-color);font-weight:600;width:1%;background:var(--background-fill-secondary)}
.kb-party-facts td{padding:.1rem 0}
.kb-party-warning{background:#fffbeb;color:#78350f;border:1px solid #f59e0b;border-radius:6px;
 padding:.2rem .5rem;margin:.25rem 0;font-size:.85rem}
.kb-screening button.kb-open{cursor:pointer;border:1px solid var(--border-color-primary);border-radius:6px;
 padding:.1rem .5rem;background:var(--button-secondary-background-fill);font-size:.8rem;font-weight:500}

.kb-hits{display:flex;flex-direction:column;gap:.5rem}
.kb-hit-card{border:1px solid var(--border-color-primary);border-radius:8px;padding:.45rem .7rem;
 font-size:.88rem;display:flex;flex-direction:column;gap:.25rem;align-items:flex-start}
.kb-kind{display:inline-block;font-size:.72rem;font-weight:700;border-radius:4px;padding:0 .35rem;
 margin-right:.3rem}
.kb-kind-official{background:#e0f2fe;color:#075985}
.kb-kind-own{background:#ede9fe;color:#5b21b6}
"""
