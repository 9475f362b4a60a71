"""Streamlit's static files and page HTML, compressed once and cached (rounds/web/static.py)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gzip
from urllib.parse import unquote

import brotli
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import FileResponse, PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from rounds.web.security import SecurityHeaders
from rounds.web.static import (
    IMMUTABLE,
    CompressedStaticFiles,
    StaticStore,
    accepted,
    linked_files,
    write_precompressed,
)

SCRIPT = "static/js/index.Ab12Cd_3.js"
INDEX = b'<!DOCTYPE html><html><head><script src="./' + SCRIPT.encode() + b'"></script></head>'


@pytest.fixture
def folder(tmp_path):
    """A static folder shaped like Streamlit's: index.html, hashed scripts, a font, a favicon."""
    root = tmp_path / "static"
    (root / "static" / "js").mkdir(parents=True)
    (root / "static" / "media").mkdir()
    (root / "index.html").write_bytes(INDEX + b"<body>" + b"<p>Streamlit</p>" * 200 + b"</body>")
    (root / SCRIPT).write_bytes(b"export const answer = 42;\n" * 2000)
    (root / "static" / "js" / "tiny.Zz99Yy88.js").write_bytes(b"export {};\n")
    (root / "static" / "media" / "Font.ttf.Qq11Rr22.woff2").write_bytes(bytes(range(256)) * 40)
    (root / "favicon.png").write_bytes(b"\x89PNG" + bytes(100))
    (tmp_path / "secret.txt").write_text("not for the web")
    return root


@pytest.fixture
def store(folder):
    return StaticStore(folder)


@pytest.fixture
def client(folder, store):
    """The middleware in front of a stand-in for Streamlit, which serves index.html anywhere."""

    async def page(request):
        return FileResponse(folder / "index.html")

    async def other(request):
        return PlainTextResponse("not the page", media_type="text/html")

    app = Starlette(
        routes=[Route("/other", other), Route("/{path:path}", page)],
        middleware=[Middleware(SecurityHeaders), Middleware(CompressedStaticFiles, store=store)],
    )
    return TestClient(app)


def test_hashed_script_is_sent_compressed_and_immutable(client, store, folder):
    first = client.get(f"/{SCRIPT}", headers={"Accept-Encoding": "gzip, deflate"})
    assert first.status_code == 200
    assert first.headers["content-encoding"] == "gzip"
    assert first.headers["cache-control"] == IMMUTABLE
    assert "immutable" in first.headers["cache-control"]
    assert first.headers["vary"] == "Accept-Encoding"
    assert first.headers["content-type"].startswith("text/javascript")
    assert first.content == (folder / SCRIPT).read_bytes()  # httpx decodes gzip
    assert first.headers["x-content-type-options"] == "nosniff"  # the security headers stay

    store.wait_idle()  # brotli is made once, in the background
    raw = client.get(f"/{SCRIPT}", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert raw.headers["content-encoding"] == "br"
    assert raw.content == (folder / SCRIPT).read_bytes()
    assert store.cached(SCRIPT).br == brotli.compress((folder / SCRIPT).read_bytes(), quality=11)

    plain = client.get(f"/{SCRIPT}", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert int(plain.headers["content-length"]) == (folder / SCRIPT).stat().st_size


def test_a_file_is_compressed_once(client, store):
    client.get(f"/{SCRIPT}")
    entry = store.cached(SCRIPT)
    client.get(f"/{SCRIPT}")
    assert store.cached(SCRIPT) is entry
    assert gzip.decompress(entry.gzip) == entry.body


def test_fonts_and_tiny_files_are_sent_as_they_are(client):
    font = client.get("/static/media/Font.ttf.Qq11Rr22.woff2", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in font.headers
    assert font.headers["content-type"] == "font/woff2"
    assert "immutable" in font.headers["cache-control"]
    tiny = client.get("/static/js/tiny.Zz99Yy88.js", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in tiny.headers


def test_a_known_etag_gets_304(client):
    first = client.get(f"/{SCRIPT}", headers={"Accept-Encoding": "gzip"})
    again = client.get(f"/{SCRIPT}", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_the_page_html_is_compressed_and_revalidated(client, folder):
    headers = {"Accept": "text/html,*/*", "Accept-Encoding": "gzip, br"}
    page = client.get("/poll?module=x", headers=headers)
    assert page.status_code == 200
    assert page.headers["content-encoding"] == "br"
    assert page.headers["cache-control"] == "no-cache"
    assert "immutable" not in page.headers["cache-control"]
    assert page.content == (folder / "index.html").read_bytes()
    assert page.headers["content-security-policy"]

    again = client.get("/article", headers={**headers, "If-None-Match": page.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["etag"]


def test_other_html_passes_through(client):
    response = client.get("/other", headers={"Accept": "text/html"})
    assert response.text == "not the page"
    assert "etag" not in response.headers


@pytest.mark.parametrize(
    "path",
    [
        "/static/js/missing.Ab12Cd_3.js",
        "/static/../secret.txt",
        "/static/%2e%2e/secret.txt",
        "/static/..%2fsecret.txt",
        "/static//etc/passwd",
        "/static/js/../../index.html",
    ],
)
def test_a_path_outside_the_folders_files_is_refused(store, path):
    app = CompressedStaticFiles(refuse_all, store)
    # On a thread of its own: a browser test earlier in the session may hold this thread's loop.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        status, body = pool.submit(asyncio.run, raw_get(app, unquote(path))).result()
    assert status == 404
    assert b"not for the web" not in body
    assert b"<!DOCTYPE html>" not in body


async def refuse_all(scope, receive, send):
    raise AssertionError(f"a static path reached Streamlit: {scope['path']}")


async def raw_get(app, path: str) -> tuple[int, bytes]:
    """Call an ASGI app with the path exactly as given (an HTTP client would normalise it)."""
    sent = []
    scope = {"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b""}

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def test_other_methods_pass_to_streamlit(client):
    assert client.post(f"/{SCRIPT}").status_code == 405


def test_accept_encoding_reading():
    assert accepted("gzip, deflate, br, zstd") == {"gzip", "deflate", "br", "zstd"}
    assert accepted("br;q=0, gzip;q=0.5") == {"gzip"}
    assert accepted("") == set()


def test_linked_files_are_the_pages_scripts(folder):
    assert linked_files((folder / "index.html").read_bytes()) == [SCRIPT]


def test_precompressed_copy_for_nginx(folder, tmp_path):
    dest = tmp_path / "nginx-static"
    write_precompressed(
        {f"/{SCRIPT}": folder / SCRIPT, "/favicon.png": folder / "favicon.png"}, dest
    )
    body = (folder / SCRIPT).read_bytes()
    assert (dest / SCRIPT).read_bytes() == body
    assert gzip.decompress((dest / f"{SCRIPT}.gz").read_bytes()) == body
    assert brotli.decompress((dest / f"{SCRIPT}.br").read_bytes()) == body
    assert (dest / "favicon.png").exists()
    assert not (dest / "favicon.png.gz").exists()
