#!/usr/bin/env python3
"""A city site's backend that signs its visitors in to the Civic Widget (single sign-on).

Python standard library + PyJWT (`pip install "PyJWT[crypto]"`). Two modes:

  app.py serve --port 8000 --widget http://127.0.0.1:8080 --site demo --kid k1 --alg EdDSA --key key.pem
      A tiny site: a login form, a cookie session on THIS site's domain (that is the site's own
      business), and a page embedding the widget with a hook that fetches a fresh token.
  app.py mint --site demo --kid k1 --alg EdDSA --key key.pem --sub 42 [--claims JSON]
      Prints one token (the interop tests use it).

The key: a PKCS#8 PEM private key (EdDSA: Ed25519, ES256: P-256) whose PUBLIC half was registered
with `host-service site sso demo --kid k1 --public-key-file public.pem`, or for HS256 a file
holding the shared secret (`--hs256-secret-file`).
"""

import argparse
import html
import http.cookies
import json
import secrets
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt  # PyJWT


def mint(site, kid, alg, key, user, extra=None):
    """The five lines a webmaster adds: sign a short token for the signed-in visitor."""
    now = int(time.time())
    claims = {"iss": site, "aud": f"civic-widget:{site}", "sub": str(user["id"]),
              "name": user.get("name"), "email": user.get("email"),
              "iat": now, "exp": now + 300, "jti": uuid.uuid4().hex}
    claims.update(extra or {})
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


# The site's own users (a demo: one user, password "demo").
USERS = {"maria": {"id": "1001", "password": "demo", "name": "Мария Иванова",
                   "email": "maria@example.ru"},
         "petr": {"id": "1002", "password": "demo", "name": "Пётр Соколов",
                  "email": "petr@example.ru"}}
SESSIONS = {}  # this site's cookie sessions: session id -> login


def make_handler(args, key):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt, *a):  # quiet: tokens never reach a log
            pass

        def user(self):
            cookie = http.cookies.SimpleCookie(self.headers.get("Cookie", ""))
            sid = cookie.get("site_session")
            login = SESSIONS.get(sid.value) if sid else None
            return USERS.get(login) if login else None

        def send(self, status, body, ctype="text/html; charset=utf-8", headers=()):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            path = urllib.parse.urlparse(self.path).path
            user = self.user()
            if path == "/sso-token":
                # Called by the page's hook (same origin, with this site's cookie).
                if not user:
                    return self.send(401, json.dumps({"token": None}), "application/json")
                token = mint(args.site, args.kid, args.alg, key, user)
                return self.send(200, json.dumps({"token": token}), "application/json")
            if path not in ("/", "/map"):
                return self.send(404, "not found", "text/plain")
            # /map: the same page with the widget in extended mode (the city's problem map).
            mode = ' data-mode="extended"' if path == "/map" else ""
            widget = html.escape(args.widget)
            if user:
                account = (f'<p id="who">Вы вошли на сайт как {html.escape(user["name"])}</p>'
                           '<form method="post" action="/logout"><button id="site-logout">Выйти</button></form>')
            else:
                account = ('<form method="post" action="/login" id="login-form">'
                           '<label>Логин <input name="login" id="login"></label> '
                           '<label>Пароль <input name="password" id="password" type="password"></label> '
                           '<button id="site-login">Войти</button></form>')
            page = f"""<!doctype html><html lang="ru"><head><meta charset="utf-8">
<title>Демоград: сайт города</title></head><body>
<h1>Сайт города</h1>{account}
<script>
  window.CivicWidget = window.CivicWidget || {{}};
</script>
<script src="{widget}/widget.js" data-site="{html.escape(args.site)}"{mode} async></script>
<script src="/sso.js"></script>
</body></html>"""
            return self.send(200, page)

        def do_POST(self):
            path = urllib.parse.urlparse(self.path).path
            length = int(self.headers.get("Content-Length") or 0)
            form = urllib.parse.parse_qs(self.rfile.read(length).decode())
            if path == "/login":
                login = form.get("login", [""])[0]
                user = USERS.get(login)
                if user and secrets.compare_digest(user["password"], form.get("password", [""])[0]):
                    sid = secrets.token_urlsafe(32)
                    SESSIONS[sid] = login
                    cookie = f"site_session={sid}; Path=/; HttpOnly; SameSite=Lax"
                    return self.send(303, "", headers=[("Location", "/"), ("Set-Cookie", cookie)])
                return self.send(303, "", headers=[("Location", "/")])
            if path == "/logout":
                cookie = http.cookies.SimpleCookie(self.headers.get("Cookie", ""))
                if "site_session" in cookie:
                    SESSIONS.pop(cookie["site_session"].value, None)
                return self.send(303, "", headers=[
                    ("Location", "/"), ("Set-Cookie", "site_session=; Path=/; Max-Age=0")])
            return self.send(404, "not found", "text/plain")

    return Handler


SSO_JS = """// Hands the widget a fresh token whenever it asks; tells it about logout. Works whether or not
// the widget's loader (async) has run yet: calls queued in CivicWidget.q are replayed by it.
(function (cw) {
  var q = function (call) { (cw.q = cw.q || []).push(call); };
  q(["configure", {
    ssoToken: async () => {
      const r = await fetch("/sso-token", { credentials: "same-origin" });
      return r.ok ? (await r.json()).token : null;
    },
  }]);
  // Log out of this site without leaving the page, and sign the widget out with it.
  const out = document.getElementById("site-logout");
  if (out) out.form.addEventListener("submit", async (e) => {
    e.preventDefault();
    await fetch("/logout", { method: "POST", credentials: "same-origin" });
    q(["logout"]);
    out.form.remove();
    document.getElementById("who").textContent = "Вы вышли с сайта";
  });
})(window.CivicWidget = window.CivicWidget || {});
"""


def read_key(path, alg):
    with open(path, "rb") as f:
        data = f.read()
    return data.strip() if alg == "HS256" else data


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["serve", "mint"])
    p.add_argument("--site", required=True)
    p.add_argument("--kid", required=True)
    p.add_argument("--alg", required=True, choices=["HS256", "EdDSA", "ES256"])
    p.add_argument("--key", required=True, help="private key PEM, or the HS256 secret file")
    p.add_argument("--sub", default="1001")
    p.add_argument("--claims", default="{}", help="mint: JSON merged into the claims")
    p.add_argument("--widget", default="http://127.0.0.1:8080", help="serve: the Civic Widget host")
    p.add_argument("--port", type=int, default=8000)
    args = p.parse_args()
    key = read_key(args.key, args.alg)
    if args.mode == "mint":
        user = {"id": args.sub, "name": "Мария Иванова", "email": "maria@example.ru"}
        print(mint(args.site, args.kid, args.alg, key, user, json.loads(args.claims)))
        return
    handler = make_handler(args, key)
    orig_get = handler.do_GET

    def do_get(self):
        if urllib.parse.urlparse(self.path).path == "/sso.js":
            return self.send(200, SSO_JS, "text/javascript; charset=utf-8")
        return orig_get(self)

    handler.do_GET = do_get
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
