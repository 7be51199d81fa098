"""The hub's ASGI application: one Starlette sub-app per provider mount."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from bellbar import __version__
from bellbar.hub import envelope
from bellbar.hub.belltastic import BelltasticRoutes
from bellbar.hub.belltastic import not_found as belltastic_not_found
from bellbar.hub.botbell import BotBellRoutes, not_found
from bellbar.hub.botbell_app import BotBellAppRoutes
from bellbar.hub.envelope import BotBellFailure
from bellbar.hub.magicbell import MagicBellRoutes
from bellbar.hub.magicbell import not_found as magicbell_not_found
from bellbar.hub.notify import NotifyRoutes
from bellbar.hub.notify import not_found as notify_not_found
from bellbar.hub.notify_delivery import NotifyDelivery
from bellbar.hub.state import HubSettings, HubState
from bellbar.hub.store import Store, StoreRunner
from bellbar.hub.webhooks import WebhookSender

log = logging.getLogger(__name__)


def create_app(db_path: Path | str, settings: HubSettings | None = None) -> Starlette:
    """A hub over the SQLite database at `db_path`."""
    settings = settings or HubSettings()
    hub = HubState(
        db=StoreRunner(Store(db_path)),
        settings=settings,
        webhooks=WebhookSender(allow_private=settings.allow_private_webhooks),
    )

    delivery = NotifyDelivery(hub.db)
    hub.wake_deliveries = delivery.wake

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        requeued = await hub.db(hub.db.store.requeue_pending)
        if requeued:
            log.info("%d interrupted webhook deliveries moved to the poll queue", len(requeued))
        delivering = asyncio.create_task(delivery.run(), name="notify delivery")
        yield
        delivering.cancel()
        await asyncio.gather(delivering, return_exceptions=True)
        await delivery.aclose()
        await hub.drain()
        await hub.webhooks.aclose()
        hub.db.close()

    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("unhandled error on %s", request.url.path, exc_info=exc)
        return envelope.failure(BotBellFailure(envelope.SERVER, "Internal server error"))

    async def method_not_allowed(request: Request, exc: Exception) -> Response:
        return envelope.failure(BotBellFailure(envelope.NOT_FOUND, "Method not allowed"))

    botbell = Starlette(
        routes=[*BotBellRoutes(hub).routes(), *BotBellAppRoutes(hub).routes()],
        exception_handlers={404: not_found, 405: method_not_allowed, Exception: server_error},
    )

    magicbell = Starlette(
        routes=MagicBellRoutes(hub).routes(),
        exception_handlers={404: magicbell_not_found, 405: magicbell_not_found},
    )

    belltastic = Starlette(
        routes=BelltasticRoutes(hub).routes(),
        exception_handlers={404: belltastic_not_found, 405: belltastic_not_found},
    )

    notify = Starlette(
        routes=NotifyRoutes(hub).routes(),
        exception_handlers={404: notify_not_found, 405: notify_not_found},
    )

    async def demo_icon(request: Request) -> Response:
        """The demo's Belltastic icon, so the demo needs no internet."""
        data = resources.files("bellbar.assets").joinpath("demo-shop.png").read_bytes()
        return Response(data, media_type="image/png", headers={"Cache-Control": "max-age=86400"})

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__})

    app = Starlette(
        routes=[
            Route("/health", health),
            Route("/demo/shop.png", demo_icon),
            Mount("/botbell/v1", app=botbell),
            Mount("/magicbell", app=magicbell),
            Mount("/belltastic/api/v1", app=belltastic),
            Mount("/v2", app=notify),
            Mount("/notify/v2", app=notify),
        ],
        lifespan=lifespan,
    )
    app.state.hub = hub
    return app
