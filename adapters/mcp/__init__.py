"""The Model Context Protocol server (``digestbot mcp``): the stored digests, articles,
rejections, sources and cited answers as tools for AI clients, over stdio or HTTP."""
