"""kjmatch: find complementary Korea–Japan industrial pairings along sector value chains."""

__version__ = "0.1.0"
