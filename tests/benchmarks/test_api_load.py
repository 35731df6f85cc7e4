"""The API load generator's HTTP/1.1 framing (the benchmark itself needs a server: not a test)."""

from __future__ import annotations

import asyncio
import math

from benchmarks.api_load import _exchange, _request


def test_request_bytes() -> None:
    raw = _request("POST", "/orders", "tok", b'{"a":1}', "Idempotency-Key: k\r\n")
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0] == b"POST /orders HTTP/1.1"
    assert b"Authorization: Bearer tok" in head and b"Idempotency-Key: k" in head
    assert b"Content-Length: 7" in head and body == b'{"a":1}'
    assert _request("GET", "/x", "tok").endswith(b"\r\n\r\n")


def test_exchange_reads_status_timing_and_body() -> None:
    answers = [
        b"HTTP/1.1 201 Created\r\ncontent-length: 5\r\nserver-timing: app;dur=1.25\r\n\r\nhello",
        b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}",
    ]

    async def run() -> list[tuple[int, float]]:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            for answer in answers:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(answer)
            writer.close()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        results = [await _exchange(reader, writer, _request("GET", "/x", "t")) for _ in answers]
        writer.close()
        server.close()
        await server.wait_closed()
        return results

    (created, timing), (missing, no_timing) = asyncio.run(run())
    assert (created, timing) == (201, 1.25)
    assert missing == 404 and math.isnan(no_timing)  # no Server-Timing header
