"""TLS is verified; a custom CA bundle (SSL_CERT_FILE) is honoured; never silently off."""

from __future__ import annotations

import asyncio
import json
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bellbar.providers.base import NetworkError
from bellbar.providers.botbell import BotBellApp
from tests.helpers.fixed_server import FixedResponseServer

SRC = Path(__file__).resolve().parents[2] / "src"


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def https_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    d = tmp_path_factory.mktemp("tls")
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        cwd=d,
    )
    (d / "san.cnf").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        cwd=d,
    )
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", "san.cnf", "-out", "server.pem",
            cwd=d)  # fmt: skip
    body = json.dumps({"code": 0, "data": {"messages": [], "cursor": "0", "has_more": False}})
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(d / "server.pem", d / "server.key")
    server = FixedResponseServer(200, body.encode(), tls=context)
    yield server.url, d / "ca.pem"
    server.stop()


def test_an_unknown_certificate_is_refused(
    https_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _ = https_server
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with pytest.raises(NetworkError):
        asyncio.run(BotBellApp(url, "ut_x").changes(None))


def test_a_custom_ca_bundle_is_honoured(
    https_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, ca = https_server
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    page = asyncio.run(BotBellApp(url, "ut_x").changes(None))
    assert page.notifications == ()


def test_verification_is_never_switched_off_in_the_code() -> None:
    offenders = [
        p
        for p in SRC.rglob("*.py")
        if "verify=False" in p.read_text() or "CERT_NONE" in p.read_text()
    ]
    assert offenders == []
