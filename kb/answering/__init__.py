"""The answering stage: a question analysed, its verdicts stated, its evidence chosen and quoted,
the answer rendered with numbered citations (:class:`kb.answering.knowledge.KnowledgeBase`)."""
