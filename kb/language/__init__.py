"""Language helpers used by every stage, each defined once: which script a text is in, stop words,
tokens, sentences, dates, countries, document numbers, codes, the bilingual glossary and phrase
finding. Nothing here knows about documents, indexes or verdicts."""
