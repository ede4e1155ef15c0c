"""xiezuo (协作): query China's cooperation pairings and the figures reported for them."""

__version__ = "0.1.0"
