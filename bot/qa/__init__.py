"""Follow-up questions answered from the stored sources, with citations.

The entry point, for the CLI and the chat commands, is :mod:`bot.qa.service`::

    answer = await answer_question(db, topic, "What did Mistral release?", day=day,
                                   digest_id=None, model=model, chat_key="telegram:42",
                                   qa=config.qa, embed_model=config.mistral.embed_model)
    answer.answer, answer.citations, answer.grounded, answer.mode, answer.limited
    answer.to_text()   # the answer then "[n] title / url" lines (the CLI's text output)
    answer.to_json()   # the ``ask --format json`` object

:class:`~bot.qa.compose.Answer` is defined in :mod:`bot.qa.compose` and
:func:`~bot.qa.index.index_new_articles` in :mod:`bot.qa.index`. This package holds no code
and re-exports nothing, so importing any of its modules never re-enters it half-built.
"""
