"""The Gradio app of the export-control knowledge base: ``python app.py [--port 7861 ...]``.

The same as ``kb serve`` (one set of flags and ``KB_*`` variables); the page itself is
:mod:`kb.app.ui`, its work :mod:`kb.app.state`.
"""

import sys

from kb.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
