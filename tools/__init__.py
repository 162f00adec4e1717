"""Developer tools that drive the project from outside (not part of the ``kb`` package)."""
