"""The Qt face of Bellbar: tray icon, inbox window, pop-ups. Only here is PySide6 imported."""
