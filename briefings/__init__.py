"""Briefings: a static site generator for news briefings that follow a story over time."""

__version__ = "0.1.0"
