"""A real hub process on a free loopback port, for tests.

Started exactly as users start it (`python -m bellbar hub serve`), so the
tests cross a real socket, a real uvicorn and a real SQLite file.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bellbar.hub import admin
from bellbar.hub.store import Store


@dataclass
class HubUser:
    user_id: str
    user_token: str
    pat: str


@dataclass
class HubBot:
    bot_id: str
    token: str
    push_url: str
    webhook_secret: str


@dataclass
class HubProcess:
    db_path: Path
    extra_args: tuple[str, ...] = ()
    port: int = 0
    url: str = ""
    process: subprocess.Popen[str] | None = field(default=None, repr=False)
    log_path: Path = field(default=Path(), repr=False)

    def start(self) -> HubProcess:
        command = [
            sys.executable, "-m", "bellbar", "hub", "serve",
            "--db", str(self.db_path), "--port", str(self.port), *self.extra_args,
        ]  # fmt: skip
        self.log_path = self.db_path.with_suffix(".log")
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=log, text=True, env=os.environ.copy()
            )
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(self.process.stdout.readline()))  # type: ignore[union-attr]
        reader.start()
        reader.join(20)
        if not line or not line[0]:
            self.process.kill()
            self._close_pipe()
            raise RuntimeError(f"hub did not start: {self.log_path.read_text()}")
        self.url = json.loads(line[0])["url"]
        self.port = int(self.url.rsplit(":", 1)[1])
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._close_pipe()

    def _close_pipe(self) -> None:
        if self.process and self.process.stdout:
            self.process.stdout.close()

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, as in a crash."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._close_pipe()

    @property
    def api(self) -> str:
        return f"{self.url}/botbell/v1"

    def create_user(self, name: str = "tester", monthly_limit: int | None = None) -> HubUser:
        if monthly_limit is None:
            return HubUser(**admin.create_user(self.db_path, name))
        store = Store(self.db_path)
        try:
            return HubUser(**store.create_user(name, monthly_limit=monthly_limit))
        finally:
            store.close()

    def create_bot(
        self, user: HubUser, name: str = "Test bot", reply_url: str | None = None
    ) -> HubBot:
        return HubBot(**admin.create_bot(self.db_path, user.user_id, name, reply_url))

    def push(self, bot: HubBot, **body: Any) -> dict[str, Any]:
        response = httpx.post(f"{self.api}/push/{bot.token}", json=body, timeout=10)
        response.raise_for_status()
        return dict(response.json()["data"])

    def create_magicbell_project(self, *, hmac_required: bool = False) -> dict[str, Any]:
        return admin.create_magicbell_project(
            self.db_path, "Test project", hmac_required=hmac_required
        )

    def create_belltastic_project(self) -> dict[str, Any]:
        return admin.create_belltastic_project(self.db_path, "Test project")

    def create_notify_service(self, **options: Any) -> dict[str, Any]:
        store = Store(self.db_path)
        try:
            return store.notify.create_service("Test service", **options)
        finally:
            store.close()

    def create_notify_template(
        self, service_id: str, kind: str, body: str, subject: str | None = None
    ) -> str:
        made = admin.create_notify_template(
            self.db_path, service_id, kind, f"{kind} template", body, subject
        )
        return str(made["template_id"])

    async def push_async(self, bot: HubBot, **body: Any) -> str:
        """Push from inside a running event loop; returns the message id."""
        async with httpx.AsyncClient() as client:
            answer = await client.post(f"{self.api}/push/{bot.token}", json=body, timeout=10)
        answer.raise_for_status()
        return str(answer.json()["data"]["message_id"])

    def poll(self, bot: HubBot) -> list[dict[str, Any]]:
        response = httpx.get(
            f"{self.api}/messages/poll", headers={"X-Bot-Token": bot.token}, timeout=10
        )
        response.raise_for_status()
        return list(response.json()["data"]["messages"])
