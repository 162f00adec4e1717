"""The corpus stage: our official documents (Markdown with front matter, validated) and users' own
files in any supported format, loaded into :class:`SourceDocument` records."""
