"""The Bellbar hub: a self-hostable ASGI server speaking the providers' wire formats.

A separate program: the tray's core and ui never import it.
"""
