"""borderwatch: sourced, geocoded event data from news on cross-border armed conflict."""

__version__ = "0.1.0"
