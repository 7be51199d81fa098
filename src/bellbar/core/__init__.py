"""Qt-free heart of the tray app: model, cache, sync, outbox, secrets, config.

Nothing here imports PySide6, so it runs and is tested without a display.
"""
