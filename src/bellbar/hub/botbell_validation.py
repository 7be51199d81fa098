"""Validation of BotBell push bodies, with the documented limits."""

from __future__ import annotations

from typing import Any

from bellbar.hub.envelope import VALIDATION, BotBellFailure

MAX_MESSAGE = 4096
MAX_TITLE = 256
MAX_SUMMARY = 512
MAX_ACTIONS_DESCRIPTION = 256
MAX_ACTIONS = 5
MAX_ACTION_FIELD = 64
MAX_PLACEHOLDER = 128
MAX_URL = 2048
MAX_REPLY = 4096

_OPTIONAL_STRINGS = {
    "title": MAX_TITLE,
    "summary": MAX_SUMMARY,
    "actions_description": MAX_ACTIONS_DESCRIPTION,
    "url": MAX_URL,
    "image_url": MAX_URL,
}


def invalid(message: str) -> BotBellFailure:
    return BotBellFailure(VALIDATION, message)


def validate_push(body: Any) -> dict[str, Any]:
    """The push fields, checked; raises BotBellFailure(40010) on the first problem."""
    if not isinstance(body, dict):
        raise invalid("Request body must be a JSON object")
    message = body.get("message")
    if message is None or message == "":
        raise invalid("message is required")
    if not isinstance(message, str):
        raise invalid("message must be a string")
    if len(message) > MAX_MESSAGE:
        raise invalid(f"message must be at most {MAX_MESSAGE} characters")
    clean: dict[str, Any] = {"message": message}
    for name, limit in _OPTIONAL_STRINGS.items():
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise invalid(f"{name} must be a string")
        if len(value) > limit:
            raise invalid(f"{name} must be at most {limit} characters")
        if (
            name in ("url", "image_url")
            and value
            and not value.lower().startswith(("http://", "https://"))
        ):
            raise invalid(f"{name} must be an http or https URL")
        clean[name] = value
    clean["format"] = _choice(body, "format", ("text", "markdown"))
    clean["reply_mode"] = _choice(body, "reply_mode", ("open", "actions_only", "none"))
    actions = body.get("actions")
    if actions is not None:
        clean["actions"] = _validate_actions(actions)
    return clean


def _choice(body: dict[str, Any], name: str, allowed: tuple[str, ...]) -> str:
    value = body.get(name)
    if value is None:
        return allowed[0]
    if value not in allowed:
        raise invalid(f"{name} must be one of {', '.join(allowed)}")
    return str(value)


def _validate_actions(actions: Any) -> list[dict[str, str]]:
    if not isinstance(actions, list):
        raise invalid("actions must be an array")
    if len(actions) > MAX_ACTIONS:
        raise invalid(f"at most {MAX_ACTIONS} actions are allowed")
    clean, keys = [], set()
    for action in actions:
        if not isinstance(action, dict):
            raise invalid("each action must be an object")
        item: dict[str, str] = {}
        for name in ("key", "label"):
            value = action.get(name)
            if not isinstance(value, str) or not value:
                raise invalid(f"action {name} is required and must be a string")
            if len(value) > MAX_ACTION_FIELD:
                raise invalid(f"action {name} must be at most {MAX_ACTION_FIELD} characters")
            item[name] = value
        if item["key"] in keys:
            raise invalid(f"duplicate action key {item['key']!r}")
        keys.add(item["key"])
        kind = action.get("type", "button")
        if kind not in ("button", "input"):
            raise invalid("action type must be button or input")
        item["type"] = kind
        placeholder = action.get("placeholder")
        if placeholder is not None:
            if not isinstance(placeholder, str):
                raise invalid("action placeholder must be a string")
            if len(placeholder) > MAX_PLACEHOLDER:
                raise invalid(f"action placeholder must be at most {MAX_PLACEHOLDER} characters")
            item["placeholder"] = placeholder
        clean.append(item)
    return clean


def validate_reply(body: Any, message: dict[str, Any]) -> tuple[str, str | None]:
    """(content, action) of a reply to `message`, checked against its reply_mode."""
    if not isinstance(body, dict):
        raise invalid("Request body must be a JSON object")
    content, action = body.get("content"), body.get("action")
    if not isinstance(content, str) or not content.strip():
        raise invalid("content is required")
    if len(content) > MAX_REPLY:
        raise invalid(f"content must be at most {MAX_REPLY} characters")
    if action is not None and not isinstance(action, str):
        raise invalid("action must be a string")
    mode = message.get("reply_mode", "open")
    keys = {a["key"] for a in message.get("actions", [])}
    if mode == "none":
        raise invalid("this message does not accept replies")
    if action is not None and action not in keys:
        raise invalid(f"unknown action {action!r}")
    if mode == "actions_only" and action is None:
        raise invalid("this message accepts only its actions as replies")
    return content, action
