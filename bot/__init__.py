"""digestbot: daily, cited news digests for a topic, delivered to chat."""

__version__ = "0.1.0"
