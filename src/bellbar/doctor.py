"""`bellbar doctor`: what works on this desktop, and what to do about what does not.

Each check is one small function returning a `Finding`; the command prints
them in order and exits 1 if any failed, so a support thread can start
from its output. Checks that need Qt import it themselves: the keyring and
account checks run on a machine without a display too.
"""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from typing import TextIO

from bellbar import __version__
from bellbar.core.account_check import check_account
from bellbar.core.config import Config
from bellbar.core.errors import KeyringUnavailable
from bellbar.core.model import Account
from bellbar.core.paths import AppPaths
from bellbar.core.secrets import SecretStore


@dataclass(frozen=True, slots=True)
class Finding:
    """One check's outcome. A `warning` is something Bellbar works without
    (no notification server, no tray); it does not fail the run."""

    what: str
    ok: bool
    detail: str
    fix: str = ""
    warning: bool = False

    @property
    def label(self) -> str:
        return "ok  " if self.ok else ("WARN" if self.warning else "FIX ")


def check_keyring(secrets: SecretStore) -> Finding:
    try:
        secrets.check()
    except KeyringUnavailable as exc:
        return Finding("Keyring", False, str(exc).split(". ")[0] + ".", _fix_of(str(exc)))
    backend = _keyring_backend_name()
    return Finding("Keyring", True, f"{backend} stores and returns secrets.")


def check_display_and_tray() -> list[Finding]:
    """A display for Qt, and a system tray on it."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    ):
        return [
            Finding(
                "Display",
                False,
                "Neither DISPLAY nor WAYLAND_DISPLAY is set.",
                "Run Bellbar inside your desktop session.",
            )
        ]
    from PySide6.QtWidgets import QApplication, QSystemTrayIcon

    app = QApplication.instance() or QApplication(sys.argv[:1])
    platform = app.platformName() if isinstance(app, QApplication) else "?"
    display = Finding("Display", True, f"Qt platform {platform}.")
    if QSystemTrayIcon.isSystemTrayAvailable():
        return [display, Finding("System tray", True, "A tray host is running.")]
    return [
        display,
        Finding(
            "System tray",
            False,
            "No system tray (StatusNotifier or XEmbed) was found.",
            "On GNOME install the AppIndicator extension; elsewhere enable your panel's "
            "tray. Bellbar still runs without one, with its inbox window open.",
            warning=True,
        ),
    ]


def check_notification_server() -> Finding:
    if not sys.platform.startswith("linux"):
        return Finding("Notification server", True, "Bellbar draws its own pop-ups here.")
    from bellbar.ui.notification_server import server_info

    info = server_info()
    if isinstance(info, str):
        return Finding(
            "Notification server",
            False,
            f"None: {info}.",
            "Bellbar's own pop-ups still work; for the desktop's own, run its "
            "notification daemon (for example dunst or mako outside GNOME and KDE).",
            warning=True,
        )
    can = ["buttons" if info.has_actions else "no buttons"]
    can.append("inline reply" if info.has_inline_reply else "no inline reply")
    quiet = {True: "; the desktop is in do not disturb", False: "", None: ""}[info.inhibited]
    return Finding(
        "Notification server",
        True,
        f"{info.name} {info.version} by {info.vendor} ({', '.join(can)}){quiet}.",
    )


async def check_accounts(accounts: tuple[Account, ...], secrets: SecretStore) -> list[Finding]:
    findings = []
    for account in accounts:
        what = f"Account {account.name!r}"
        if not account.enabled:
            findings.append(Finding(what, True, "Disabled."))
            continue
        try:
            secret = secrets.get(account.id)
        except KeyringUnavailable:
            findings.append(Finding(what, False, "Its secret cannot be read.", "Fix the keyring."))
            continue
        if not secret:
            findings.append(
                Finding(
                    what,
                    False,
                    "The keyring holds no secret for it.",
                    f"Add it again: bellbar accounts add {account.provider} --name "
                    f"'{account.name}' --url {account.url}",
                )
            )
            continue
        result = await check_account(account, secret)
        fix = "" if result.ok else "Check the URL and credentials in Settings → Accounts."
        findings.append(Finding(what, result.ok, result.message, fix))
    if not accounts:
        findings.append(
            Finding("Accounts", True, "None yet: Bellbar's welcome window offers to add one.")
        )
    return findings


def run_doctor(paths: AppPaths, config: Config, secrets: SecretStore, out: TextIO) -> int:
    """Run every check, print the findings, and return the exit code."""
    findings = [
        Finding("Bellbar", True, f"{__version__} on Python {sys.version.split()[0]}."),
        Finding("Settings", True, str(paths.config_file)),
        check_keyring(secrets),
        *check_display_and_tray(),
        check_notification_server(),
        *asyncio.run(check_accounts(config.accounts, secrets)),
    ]
    for finding in findings:
        print(f"[{finding.label}] {finding.what}: {finding.detail}", file=out)
        if finding.fix:
            print(f"       → {finding.fix}", file=out)
    failed = sum(not f.ok and not f.warning for f in findings)
    print(
        f"\n{failed} problem{'s' if failed != 1 else ''} found." if failed else "\nAll good.",
        file=out,
    )
    return 1 if failed else 0


def _keyring_backend_name() -> str:
    import keyring

    backend = keyring.get_keyring()
    return f"{type(backend).__module__.rsplit('.', 1)[-1]} keyring"


def _fix_of(message: str) -> str:
    return message.split(". ", 1)[1] if ". " in message else ""
