"""Command line: `bellbar` (the tray), `demo`, `hub`, `send`, `accounts`.

This is the composition root: the only place that may import the tray (ui)
and the hub side by side. Heavy imports happen inside the command that
needs them, so `bellbar send` does not load Qt.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bellbar import __version__
from bellbar.core.errors import BellbarError

if TYPE_CHECKING:
    from bellbar.core.model import Account
    from bellbar.core.secrets import KeyringSecrets

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bellbar", description="Notification inbox in the tray.")
    parser.add_argument("--version", action="version", version=f"bellbar {__version__}")
    parser.add_argument("--debug", action="store_true", help="log at debug level")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="create the tray and the inbox, read the keyring, and exit (0: it all works)",
    )
    commands = parser.add_subparsers(dest="command")

    demo = commands.add_parser("demo", help="a local hub with demo data, and the tray on it")
    demo.add_argument("--port", type=int, default=0, help="hub port (default: a free one)")

    hub = commands.add_parser("hub", help="run or administer a Bellbar hub")
    hub_commands = hub.add_subparsers(dest="hub_command", required=True)
    serve = hub_commands.add_parser("serve", help="serve the hub")
    serve.add_argument("--db", type=Path, required=True)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8025)
    serve.add_argument(
        "--allow-private-webhooks",
        action="store_true",
        help="let reply URLs point at loopback or private addresses",
    )
    serve.add_argument("--push-rate", type=int, default=30, help="pushes per bot per minute")
    serve.add_argument(
        "--magicbell-reads", type=int, default=100, help="MagicBell reads per API key per minute"
    )
    serve.add_argument(
        "--magicbell-writes", type=int, default=60, help="MagicBell writes per API key per minute"
    )
    serve.add_argument(
        "--belltastic-rate", type=int, default=60, help="Belltastic requests per token per minute"
    )
    serve.add_argument(
        "--notify-rate", type=int, default=3000, help="Notify requests per API key per minute"
    )
    admin = hub_commands.add_parser("admin", help="create users and bots (prints JSON)")
    admin.add_argument("--db", type=Path, required=True)
    kinds = admin.add_subparsers(dest="kind", required=True)
    user = kinds.add_parser("user").add_subparsers(dest="verb", required=True)
    user.add_parser("create").add_argument("name")
    bot_create = (
        kinds.add_parser("bot").add_subparsers(dest="verb", required=True).add_parser("create")
    )
    bot_create.add_argument("--user", required=True, help="owner's user_id")
    bot_create.add_argument("--reply-url")
    bot_create.add_argument("name")
    magicbell = kinds.add_parser("magicbell").add_subparsers(dest="noun", required=True)
    project = magicbell.add_parser("project").add_subparsers(dest="verb", required=True)
    project_create = project.add_parser("create")
    project_create.add_argument("name")
    project_create.add_argument("--hmac-required", action="store_true")
    belltastic = kinds.add_parser("belltastic").add_subparsers(dest="noun", required=True)
    bt_project = belltastic.add_parser("project").add_subparsers(dest="verb", required=True)
    bt_project.add_parser("create").add_argument("name")
    notify = kinds.add_parser("notify").add_subparsers(dest="noun", required=True)
    service = notify.add_parser("service").add_subparsers(dest="verb", required=True)
    service_create = service.add_parser("create")
    service_create.add_argument("name")
    service_create.add_argument("--callback-url", help="delivery receipts and inbound texts")
    service_create.add_argument("--callback-token", help="bearer token sent with callbacks")
    template = notify.add_parser("template").add_subparsers(dest="verb", required=True)
    template_create = template.add_parser("create")
    template_create.add_argument("--service", required=True)
    template_create.add_argument("--type", required=True, choices=["sms", "email", "letter"])
    template_create.add_argument("--name", required=True)
    template_create.add_argument("--body", required=True)
    template_create.add_argument("--subject")
    inbound = notify.add_parser("inbound")
    inbound.add_argument("--service", required=True)
    inbound.add_argument("--from", dest="sender", required=True, metavar="PHONE")
    inbound.add_argument("text")

    commands.add_parser("doctor", help="check the keyring, tray, notifications and accounts")
    send = commands.add_parser("send", help="push a message as a bot (for scripts)")
    send.add_argument("--url", required=True, help="hub URL, or a BotBell API base ending in /v1")
    send.add_argument("--token", required=True, help="the bot token (bt_...)")
    send.add_argument("message")
    send.add_argument("--title")
    send.add_argument("--link", help="a URL to attach")
    send.add_argument("--action", action="append", default=[], metavar="KEY:LABEL")
    send.add_argument("--input", action="append", default=[], metavar="KEY:LABEL:PLACEHOLDER")

    accounts = commands.add_parser("accounts", help="manage accounts")
    verbs = accounts.add_subparsers(dest="verb", required=True)
    add = verbs.add_parser("add", help="add an account; its secret is read from stdin")
    add.add_argument("provider", choices=["botbell", "magicbell", "belltastic", "notify"])
    add.add_argument("--name", required=True)
    add.add_argument(
        "--url", default="", help="server URL (MagicBell, Belltastic: their cloud by default)"
    )
    add.add_argument("--api-key", help="MagicBell: the project's API key")
    add.add_argument("--external-id", help="MagicBell: the user's external id")
    add.add_argument("--email", help="MagicBell: the user's email")
    add.add_argument("--project-id", help="Belltastic: the project id")
    add.add_argument("--user-id", help="Belltastic: your user id in that project")
    add.add_argument(
        "--alert-on",
        default="permanent-failure,technical-failure",
        help="Notify: the statuses that pop up (comma-separated)",
    )
    add.add_argument("--reply-template", help="Notify: the SMS template replies go out with")
    add.add_argument(
        "--secret-kind",
        choices=["hmac", "api-secret"],
        default="hmac",
        help="MagicBell: the secret on stdin is the user HMAC or the API secret",
    )
    verbs.add_parser("list")
    verbs.add_parser("test", help="try an account's connection").add_argument("name")
    verbs.add_parser("remove").add_argument("name")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.self_test:
            from bellbar.ui.self_test import run_self_test

            return run_self_test()
        if args.command == "doctor":
            return _doctor()
        if args.command == "hub":
            return _hub(args)
        if args.command == "send":
            return _send(args)
        if args.command == "accounts":
            return _accounts(args)
        if args.command == "demo":
            return _demo(args)
        return _tray(args)
    except BellbarError as exc:
        print(f"bellbar: {exc}", file=sys.stderr)
        return EXIT_FAILED


def _emit(data: dict[str, Any]) -> int:
    print(json.dumps(data), flush=True)
    return EXIT_OK


# ---- hub ---------------------------------------------------------------


def _hub(args: argparse.Namespace) -> int:
    import logging

    from bellbar.hub import admin

    if args.hub_command == "serve":
        import asyncio

        from bellbar.hub.server import serve
        from bellbar.hub.state import HubSettings

        logging.basicConfig(level=logging.DEBUG if args.debug else logging.INFO, stream=sys.stderr)
        settings = HubSettings(
            push_rate_per_minute=args.push_rate,
            allow_private_webhooks=args.allow_private_webhooks,
            magicbell_reads_per_minute=args.magicbell_reads,
            magicbell_writes_per_minute=args.magicbell_writes,
            belltastic_requests_per_minute=args.belltastic_rate,
            notify_requests_per_minute=args.notify_rate,
        )
        try:
            asyncio.run(serve(args.db, args.host, args.port, settings))
        except OSError as exc:
            print(f"bellbar hub: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
            return EXIT_FAILED
        except KeyboardInterrupt:
            pass
        return EXIT_OK
    if args.kind == "user":
        return _emit(admin.create_user(args.db, args.name))
    if args.kind == "notify":
        return _notify_admin(args)
    if args.kind == "belltastic":
        return _emit(admin.create_belltastic_project(args.db, args.name))
    if args.kind == "magicbell":
        return _emit(
            admin.create_magicbell_project(args.db, args.name, hmac_required=args.hmac_required)
        )
    try:
        return _emit(admin.create_bot(args.db, args.user, args.name, args.reply_url))
    except KeyError as exc:
        print(f"bellbar hub admin: {exc.args[0]}", file=sys.stderr)
        return EXIT_FAILED


def _notify_admin(args: argparse.Namespace) -> int:
    from bellbar.hub import admin

    try:
        if args.noun == "service":
            return _emit(
                admin.create_notify_service(
                    args.db, args.name, args.callback_url, args.callback_token
                )
            )
        if args.noun == "template":
            return _emit(
                admin.create_notify_template(
                    args.db, args.service, args.type, args.name, args.body, args.subject
                )
            )
        return _emit(admin.notify_inbound(args.db, args.service, args.sender, args.text))
    except KeyError as exc:
        print(f"bellbar hub admin: {exc.args[0]}", file=sys.stderr)
        return EXIT_FAILED


# ---- send --------------------------------------------------------------


def _send(args: argparse.Namespace) -> int:
    import httpx

    try:
        body = _push_body(args)
    except ValueError as exc:
        print(f"bellbar send: {exc}", file=sys.stderr)
        return EXIT_USAGE
    api = args.url.rstrip("/")
    if not api.endswith("/v1"):
        api += "/botbell/v1"
    try:
        response = httpx.post(
            f"{api}/messages/push", json=body, headers={"X-Bot-Token": args.token}, timeout=15
        )
    except httpx.HTTPError as exc:
        print(f"bellbar send: cannot reach {args.url}: {type(exc).__name__}", file=sys.stderr)
        return EXIT_FAILED
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or answer.get("code") != 0:
        message = answer.get("message") if isinstance(answer, dict) else None
        code = answer.get("code") if isinstance(answer, dict) else None
        print(
            f"bellbar send: HTTP {response.status_code}, code {code}: "
            f"{message or 'the server did not answer in BotBell format'}",
            file=sys.stderr,
        )
        return EXIT_FAILED
    print(answer["data"].get("message_id", ""))
    return EXIT_OK


def _push_body(args: argparse.Namespace) -> dict[str, Any]:
    actions: list[dict[str, str]] = []
    for spec in args.action:
        key, sep, label = spec.partition(":")
        if not sep or not key or not label:
            raise ValueError(f"--action wants KEY:LABEL, got {spec!r}")
        actions.append({"key": key, "label": label})
    for spec in args.input:
        parts = spec.split(":", 2)
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise ValueError(f"--input wants KEY:LABEL[:PLACEHOLDER], got {spec!r}")
        action = {"key": parts[0], "label": parts[1], "type": "input"}
        if len(parts) == 3:
            action["placeholder"] = parts[2]
        actions.append(action)
    body: dict[str, Any] = {"message": args.message}
    if args.title:
        body["title"] = args.title
    if args.link:
        body["url"] = args.link
    if actions:
        body["actions"] = actions
    return body


# ---- accounts ----------------------------------------------------------


def _accounts(args: argparse.Namespace) -> int:
    from bellbar.core.accounts import build_account, remove_account, save_account
    from bellbar.core.config import load_config
    from bellbar.core.paths import AppPaths
    from bellbar.core.secrets import KeyringSecrets

    paths = AppPaths.for_profile()
    secrets = KeyringSecrets()
    if args.verb == "list":
        for account in load_config(paths.config_file).accounts:
            print(f"{account.name}\t{account.provider}\t{account.url}")
        return EXIT_OK
    if args.verb == "remove":
        remove_account(paths, secrets, args.name)
        return EXIT_OK
    if args.verb == "test":
        return _test_account(load_config(paths.config_file).account_named(args.name), secrets)
    options = {
        "api_key": args.api_key or "",
        "external_id": args.external_id or "",
        "email": args.email or "",
        "project_id": args.project_id or "",
        "user_id": args.user_id or "",
        "alert_statuses": args.alert_on if args.provider == "notify" else "",
        "reply_template_id": args.reply_template or "",
        "secret_kind": args.secret_kind.replace("-", "_") if args.provider == "magicbell" else "",
    }
    existing = load_config(paths.config_file).account_named(args.name)
    account = build_account(
        args.provider, args.name, args.url, options, existing.id if existing else None
    )
    secrets.check()
    secret = _read_secret(f"Secret for {args.name}: ")
    save_account(paths, secrets, account, secret)
    print(f"added {account.name}; its secret is in the OS keyring")
    return EXIT_OK


def _test_account(account: Account | None, secrets: KeyringSecrets) -> int:
    import asyncio

    from bellbar.core.account_check import check_account

    if account is None:
        print("bellbar accounts: no such account", file=sys.stderr)
        return EXIT_FAILED
    secret = secrets.get(account.id)
    if not secret:
        print(f"{account.name}: no secret in the keyring; add the account again", file=sys.stderr)
        return EXIT_FAILED
    result = asyncio.run(check_account(account, secret))
    print(f"{account.name}: {result.message}")
    return EXIT_OK if result.ok else EXIT_FAILED


def _doctor() -> int:
    from bellbar.core.config import load_config
    from bellbar.core.paths import AppPaths
    from bellbar.core.secrets import KeyringSecrets
    from bellbar.doctor import run_doctor

    paths = AppPaths.for_profile()
    return run_doctor(paths, load_config(paths.config_file), KeyringSecrets(), sys.stdout)


def _read_secret(prompt: str) -> str:
    """From stdin when piped (scripts), else an echo-free prompt."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt).strip()
    return sys.stdin.readline().strip()


# ---- tray and demo -----------------------------------------------------


def _tray(args: argparse.Namespace) -> int:
    from bellbar.core.config import load_config
    from bellbar.core.logs import setup_logging
    from bellbar.core.paths import AppPaths
    from bellbar.core.secrets import KeyringSecrets
    from bellbar.ui.launch import run_tray

    paths = AppPaths.for_profile()
    setup_logging(paths, debug=args.debug)
    config = load_config(paths.config_file)
    secrets = KeyringSecrets()
    notice = ""
    if not config.accounts:
        notice = "No accounts yet: add one with `bellbar accounts add`, or try `bellbar demo`."
    return run_tray(paths, config, secrets, notice=notice)


def _demo(args: argparse.Namespace) -> int:
    from bellbar.demo_runner import run_demo

    return run_demo(port=args.port, debug=args.debug)
