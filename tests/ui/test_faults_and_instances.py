"""A broken server leaves the tray running with a visible status; one instance only."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bellbar.ui.single_instance import (
    InstanceServer,
    claim_instance,
    notify_running,
    server_name,
)
from tests.helpers.fixed_server import FixedResponseServer
from tests.helpers.qt import until


@pytest.fixture(
    params=[
        (500, b'{"code":50000,"message":"boom"}'),
        (200, b"{not json"),
        (200, b'{"code":0,"data":{"messages":"nope"}}'),
    ],
    ids=["500", "malformed-json", "wrong-types"],
)
def broken(request: pytest.FixtureRequest) -> Iterator[FixedResponseServer]:
    server = FixedResponseServer(*request.param)
    yield server
    server.stop()


def test_a_broken_server_gives_a_status_not_a_crash(
    qtbot, qloop, broken: FixedResponseServer, harness_for
) -> None:  # type: ignore[no-untyped-def]
    harness = harness_for(broken.url, "ut_whatever")

    async def scenario() -> None:
        harness.start()
        status = await until(
            lambda: (
                "retrying" in harness.app.window.status.text() and harness.app.window.status.text()
            ),
            what="status line",
        )
        assert "Test hub: retrying" in status and "next try in" in status
        assert harness.app.countdown.isActive()  # the seconds count down
        assert harness.cache.count() == 0  # nothing partial reached the cache
        assert harness.app.window.isVisible()
        await harness.stop()

    qloop.run_until_complete(scenario())


def test_single_instance_server_answers_a_second_start(qtbot, tmp_path: Path) -> None:
    name = server_name(tmp_path)
    assert not notify_running(name)
    server = claim_instance(name)
    assert server is not None and server.listening
    with qtbot.waitSignal(server.show_requested, timeout=5000):
        assert claim_instance(name) is None, "the second start steps aside"


def test_a_stale_socket_of_a_crashed_instance_is_taken_over(qtbot, tmp_path: Path) -> None:
    import socket

    name = server_name(tmp_path)
    probe = InstanceServer(name)
    path = probe._server.fullServerName()
    probe._server.close()
    stale = socket.socket(socket.AF_UNIX)  # a crashed instance leaves its socket file behind
    stale.bind(path)
    stale.close()
    assert Path(path).exists() and not notify_running(name)
    server = claim_instance(name)
    assert server is not None and server.listening


def test_a_second_bellbar_process_does_not_add_a_second_tray(app_dirs: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    first = subprocess.Popen(
        [sys.executable, "-m", "bellbar"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        log = app_dirs / "state" / "bellbar" / "log" / "bellbar.log"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and first.poll() is None:
            if log.exists() and "started" in log.read_text():
                break
            time.sleep(0.1)
        assert first.poll() is None, first.stderr.read() if first.stderr else ""
        second = subprocess.run(
            [sys.executable, "-m", "bellbar"], env=env, capture_output=True, text=True, timeout=30
        )
        assert second.returncode == 0
        assert "already running" in second.stdout
        assert first.poll() is None
        first.terminate()  # SIGTERM: a clean quit, not a kill
        assert first.wait(15) == 0
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(10)
        for stream in (first.stdout, first.stderr):
            if stream:
                stream.close()
