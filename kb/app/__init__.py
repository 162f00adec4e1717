"""The app stage: the Gradio page (:mod:`kb.app.ui`), its callbacks as plain functions
(:mod:`kb.app.state`), the HTML they show (:mod:`kb.app.view`) and the feedback log."""
