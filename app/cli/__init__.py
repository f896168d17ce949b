"""The ``digestbot`` command line, one module per command group over the core.

``main`` (the console script, ``python -m app``) and ``build_parser`` live in
:mod:`app.cli.main`; they are re-exported here as the package's public names."""

from app.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
