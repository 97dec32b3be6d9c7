"""edgecamp: an information system for camps and settlements of displaced people."""

__version__ = "0.1.0"
