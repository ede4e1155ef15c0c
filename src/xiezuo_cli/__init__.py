"""xiezuo (协作): query China's inter-regional cooperation pairings and the figures reported for them."""

__version__ = "0.1.0"
