"""`watch --serve`: the output folder over HTTP on 127.0.0.1, pages reloading after each rebuild.

The standard library's server, in a thread.  The reload is a few lines of
script that the server adds to each HTML page as it sends it (the built
files stay as they are, byte for byte): the page asks /__bulletin__/version
once a second and reloads when the number has changed, which `bump()` does
after each good rebuild.  Polling a tiny endpoint needs no open connection
per tab and survives the server restarting.
"""

from __future__ import annotations

import functools
import html
import http.server
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

VERSION_PATH = "/__bulletin__/version"
RELOAD_SNIPPET = (
    "<script>/* added by bulletin watch --serve; not in the built file */(function(){"
    "var seen=null;function poll(){fetch('" + VERSION_PATH + "',{cache:'no-store'})"
    ".then(function(r){return r.text()}).then(function(v){if(seen!==null&&v!==seen){location.reload()}"
    "seen=v}).catch(function(){}).finally(function(){setTimeout(poll,1000)})}poll()})();</script>"
)


class _Handler(http.server.SimpleHTTPRequestHandler):
    server: _Server

    def do_GET(self):  # noqa: N802 - the http.server API
        path = unquote(urlsplit(self.path).path)
        if path == VERSION_PATH:
            return self._send(str(self.server.version).encode(), "text/plain; charset=utf-8")
        if path == "/":
            return self._index()
        if path.endswith(".html"):
            file = Path(self.translate_path(self.path))
            if file.is_file():
                return self._send(_inject(file.read_bytes()), "text/html; charset=utf-8")
        return super().do_GET()

    def _index(self):
        out = Path(self.directory)
        if (out / "index.html").is_file():
            return self._send(_inject((out / "index.html").read_bytes()), "text/html; charset=utf-8")
        pages = sorted(p.name for p in out.glob("*.html"))
        if len(pages) == 1:
            self.send_response(302)
            self.send_header("Location", "/" + pages[0])
            self.end_headers()
            return None
        items = "".join(f'<li><a href="{html.escape(name)}">{html.escape(name)}</a></li>' for name in pages)
        body = f"<!doctype html><meta charset=utf-8><title>bulletin</title><ul>{items}</ul>".encode()
        return self._send(_inject(body), "text/html; charset=utf-8")

    def _send(self, body: bytes, kind: str):
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")  # a reload must fetch the new build
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 - the http.server API
        if self.server.log is not None:
            self.server.log(format % args)


def _inject(page: bytes) -> bytes:
    snippet = RELOAD_SNIPPET.encode()
    at = page.lower().rfind(b"</body>")
    return page + snippet if at < 0 else page[:at] + snippet + page[at:]


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    version = 0
    log = None


class Server:
    """Serves `out_dir` on 127.0.0.1:`port` (0: any free port) until close()."""

    def __init__(self, out_dir: Path, port: int = 8000, log=None):
        out_dir.mkdir(parents=True, exist_ok=True)
        handler = functools.partial(_Handler, directory=str(out_dir))
        self._server = _Server(("127.0.0.1", port), handler)
        self._server.log = log
        self._thread = threading.Thread(target=self._server.serve_forever, name="bulletin-serve", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> Server:
        self._thread.start()
        return self

    def bump(self) -> None:
        """A rebuild happened: open pages reload."""
        self._server.version += 1

    def close(self) -> None:
        if self._thread.is_alive():  # shutdown() would wait for ever on a server never started
            self._server.shutdown()
        self._server.server_close()
