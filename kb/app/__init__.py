"""The app stage: the Gradio page (:mod:`kb.app.ui`, the other tabs in :mod:`kb.app.tabs`), its
callbacks as plain functions (:mod:`kb.app.state`) over the knowledge base as it follows the index
(:mod:`kb.app.live`), the chat's controls and conversations, the HTML it shows (:mod:`kb.app.view`,
:mod:`kb.app.transcript`, :mod:`kb.app.assets`), the user's documents, the lookup table, the
feedback log and the HTTP guard (:mod:`kb.app.security`)."""
