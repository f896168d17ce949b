"""The read-only web archive (``digestbot web``): Starlette pages and Atom feeds rendered
from the core's :class:`bot.archive.Archive`. No SQL here, no script in the pages."""
