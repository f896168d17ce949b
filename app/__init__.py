"""The composition root: the command line and the ``run`` service. The only code that
imports both the core (``bot/``) and the adapters (``adapters/``)."""
