"""The briefing stage: packs for trainers on one or more mineral families as of a date, every fact
cited, written as Markdown, HTML or DOCX."""
