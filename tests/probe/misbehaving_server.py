"""An HTTP server that misbehaves at the transport level, for the probe's bounds (run: ``python … PORT``).

* ``POST/GET /endless``: 200 ``text/event-stream`` that sends a comment every 50 ms and never an answer;
* ``GET/POST /huge``: 200 ``application/json``, a 4 MiB body;
* ``POST /garbage``: 200 ``application/json`` that is not JSON;
* any method on ``/echo``: 400 with a JSON-RPC error whose message repeats every request header (the
  credentials included), to show that the probe never republishes them.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator

import anyio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

HUGE_BYTES = 4 * 1024 * 1024


async def endless(request: Request) -> Response:
    async def events() -> AsyncIterator[bytes]:
        while True:
            yield b": still thinking\n\n"
            await anyio.sleep(0.05)

    return StreamingResponse(events(), media_type="text/event-stream")


async def huge(request: Request) -> Response:
    return Response(b'{"jsonrpc": "2.0", "id": 1, "result": {"pad": "' + b"x" * HUGE_BYTES + b'"}}',
                    media_type="application/json")


async def garbage(request: Request) -> Response:
    return Response(b"\x00\xffnot json at all", media_type="application/json")


async def echo(request: Request) -> Response:
    first = ("authorization", "x-api-key")  # within the excerpt a report shows
    headers = sorted(request.headers.items(), key=lambda item: (item[0] not in first, item[0]))
    said = "; ".join(f"{name}: {value}" for name, value in headers)
    return JSONResponse({"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": f"you sent {said}"}},
                        status_code=400)


app = Starlette(routes=[
    Route("/echo", echo, methods=["GET", "POST", "OPTIONS", "DELETE"]),
    Route("/endless", endless, methods=["GET", "POST"]),
    Route("/huge", huge, methods=["GET", "POST"]),
    Route("/garbage", garbage, methods=["POST"]),
])

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
