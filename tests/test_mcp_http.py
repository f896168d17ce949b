"""``digestbot mcp --http``: the streamable HTTP transport behind its bearer token, driven by
the MCP SDK's own client against the real CLI in a subprocess."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import anyio
import httpx
import httpx2
from anyio.abc import Process
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from app.cli.mcp import TOKEN_VARIABLE
from tests.test_mcp import BOUND, STARTUP, server_env

TOKEN = "test-token-4f1c"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_for_port(port: int, server: Process) -> None:
    while True:
        assert server.returncode is None, "digestbot mcp --http exited"
        try:
            stream = await anyio.connect_tcp("127.0.0.1", port)
        except OSError:
            await anyio.sleep(0.1)
            continue
        await stream.aclose()
        return


async def test_http_serves_tools_to_the_token_holder_only(collected_config_file: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/mcp"
    command = [sys.executable, "-m", "app", "--config", str(collected_config_file), "mcp"]
    server = await anyio.open_process(
        [*command, "--http", "--port", str(port)],
        cwd=collected_config_file.parent,
        env=server_env(**{TOKEN_VARIABLE: TOKEN}),
        stdout=None,
        stderr=None,
    )
    try:
        with anyio.fail_after(STARTUP):
            await wait_for_port(port, server)
        with anyio.fail_after(BOUND):
            async with httpx.AsyncClient() as plain:
                hello = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
                refused = await plain.post(url, json=hello)
                assert refused.status_code == 401
                assert TOKEN_VARIABLE in refused.text
                wrong = await plain.post(url, json=hello, headers={"Authorization": "Bearer no"})
                assert wrong.status_code == 401

            headers = {"Authorization": f"Bearer {TOKEN}"}
            async with (
                httpx2.AsyncClient(headers=headers) as client,
                streamable_http_client(url, http_client=client) as (read, write),
                ClientSession(read, write) as session,
            ):
                await session.initialize()
                result = await session.call_tool("list_topics", {})
                assert not result.is_error
                assert result.structured_content is not None
                (topic,) = result.structured_content["topics"]
                assert topic["slug"] == "mistral" and topic["articles"] > 0
    finally:
        server.terminate()
        with anyio.fail_after(10):
            await server.wait()
