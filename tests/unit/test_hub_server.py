"""The hub's listening socket."""

from __future__ import annotations

import socket

from bellbar.hub.server import bind, public_url


def test_listening_socket_says_tcp_so_keep_alive_is_not_slowed_by_nagle() -> None:
    # asyncio sets TCP_NODELAY only on accepted sockets whose proto is TCP;
    # with proto 0 every keep-alive request waited ~40 ms (bench/roundtrip.py).
    sock = bind("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        assert public_url(sock).startswith("http://127.0.0.1:")
    finally:
        sock.close()
