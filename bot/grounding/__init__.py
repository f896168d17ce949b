"""Grounding: whether a sentence is backed by the sources it cites, and whether web text
speaks to an AI. One tokenizer, one extraction of names and figures, one support test, one
renumbering and one quarantine for the digest writer, the extractive composer and Q&A."""
