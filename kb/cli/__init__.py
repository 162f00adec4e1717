"""The ``kb`` command line. Each command's docstring is its help; the logic lives in the stages."""

from kb.cli import answers, classify, corpus, evaluation, screen, serve
from kb.cli.group import main

__all__ = ["main"]

# The command modules register their commands on ``main`` when imported.
_COMMANDS = (answers, classify, corpus, evaluation, screen, serve)
