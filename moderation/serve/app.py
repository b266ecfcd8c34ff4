"""The HTTP face of the service: Starlette routes over `Service`, run by uvicorn.

Why Starlette + uvicorn: both are small, asynchronous, widely used and actively maintained
(Encode), with no framework magic between the raw request bytes and our code, which the
signature check needs. Scoring takes about a millisecond of CPU, so it runs directly on the
event loop: a thread-pool hop would add latency and, under the GIL, no parallelism. One
process holds one copy of the model and is the decision log's single writer.

Routes: `POST /` (Coral's external moderation phase), `GET /healthz` (503 while the model
loads, then 200).
"""

from __future__ import annotations

import json
import sys
import threading

from .service import Service

_JSON_TYPE = "application/json"


def create_app(service: Service, on_load_failure=None):
    """A Starlette app answering for `service`; the model loads on a thread at start-up."""
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    def _load() -> None:
        try:
            service.load()
        except BaseException as exc:  # noqa: BLE001
            if on_load_failure is not None:
                on_load_failure()  # `run` stops the server and re-raises the error for the CLI
            else:
                print(f"error: cannot load the model: {exc}", file=sys.stderr)
            return
        print(f"ready: model loaded in {service.load_seconds:.1f} s", file=sys.stderr, flush=True)

    @asynccontextmanager
    async def lifespan(app):
        threading.Thread(target=_load, name="model-loader", daemon=True).start()
        try:
            yield
        finally:
            service.close()

    def _too_large() -> Response:
        limit = service.config.max_body
        return Response(json.dumps({"error": f"body over {limit} bytes"}), 413, media_type=_JSON_TYPE)

    async def moderate(request: Request) -> Response:
        declared = request.headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                return Response(json.dumps({"error": "bad Content-Length"}), 400, media_type=_JSON_TYPE)
            if int(declared) > service.config.max_body:
                return _too_large()
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > service.config.max_body:  # chunked bodies have no Content-Length to check
                return _too_large()
            chunks.append(chunk)
        status, body = service.handle(b"".join(chunks), request.headers.get("x-coral-signature"))
        if status == 204:
            return Response(status_code=204)
        return Response(body, status, media_type=_JSON_TYPE)

    async def healthz(request: Request) -> Response:
        status, info = service.health()
        return Response(json.dumps(info), status, media_type=_JSON_TYPE)

    return Starlette(routes=[Route("/", moderate, methods=["POST"]), Route("/healthz", healthz, methods=["GET"])],
                     lifespan=lifespan)


def run(service: Service, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve until interrupted (SIGINT/SIGTERM); raises the model's load error if it failed."""
    import uvicorn

    server: uvicorn.Server

    def stop() -> None:
        server.should_exit = True

    config = uvicorn.Config(create_app(service, on_load_failure=stop), host=host, port=port, log_level="warning",
                            access_log=False, lifespan="on", server_header=False)
    server = uvicorn.Server(config)
    server.run()
    if service.load_error is not None:
        raise service.load_error
