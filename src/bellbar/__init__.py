"""Bellbar: a notification inbox in the system tray, and the hub it talks to."""

__version__ = "0.1.0"
