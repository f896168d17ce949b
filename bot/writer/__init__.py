"""The digest writer's modules. :mod:`bot.writer.write` runs the model in two stages
(:func:`~bot.writer.write.write_digest`); the prompts, reply schemas, citation and language
checks, the assembly of the digest and the memory of earlier days each have a module of
their own. This package holds no code and re-exports nothing."""
