"""Follow-up questions answered from the stored sources, with citations.

The public API, for the CLI and the chat commands::

    answer = await answer_question(db, topic, "What did Mistral release?", day=day,
                                   digest_id=None, model=model, chat_key="telegram:42",
                                   qa=config.qa, embed_model=config.mistral.embed_model)
    answer.answer, answer.citations, answer.grounded, answer.mode, answer.limited
    answer.to_text()   # the answer then "[n] title / url" lines (the CLI's text output)
    answer.to_json()   # the ``ask --format json`` object
"""

from bot.qa.compose import Answer, Citation
from bot.qa.index import index_new_articles
from bot.qa.service import answer_question, question_scope

__all__ = ["Answer", "Citation", "answer_question", "index_new_articles", "question_scope"]
