#!/usr/bin/env node
// A city site's backend that signs its visitors in to the Civic Widget (single sign-on), in Node.
//
// Uses `jsonwebtoken` (HS256, ES256) and `jose` (EdDSA: jsonwebtoken 9 has no Ed25519,
// auth0/node-jsonwebtoken#627). Installed by scripts/install-tools.sh into .tools/node_modules:
//   NODE_PATH=.tools/node_modules node examples/sso-node/app.js mint --site demo --kid k1 --alg EdDSA --key key.pem --sub 42
//   NODE_PATH=.tools/node_modules node examples/sso-node/app.js serve --port 8001 --widget http://127.0.0.1:8080 ...
// The key: a PKCS#8 PEM private key (EdDSA: Ed25519, ES256: P-256), or the HS256 secret file.
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const http = require("node:http");
const jwt = require("jsonwebtoken");
const jose = require("jose");

// The five lines a webmaster adds: sign a short token for the signed-in visitor.
async function mint({ site, kid, alg, key }, user, extra = {}) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: site, aud: `civic-widget:${site}`, sub: String(user.id), name: user.name,
    email: user.email, iat: now, exp: now + 300, jti: crypto.randomUUID(), ...extra };
  if (alg === "EdDSA") {
    return new jose.SignJWT(claims).setProtectedHeader({ alg, kid, typ: "JWT" }).sign(crypto.createPrivateKey(key));
  }
  return jwt.sign(claims, key, { algorithm: alg, keyid: kid });
}

const USERS = { maria: { id: "1001", password: "demo", name: "Мария Иванова", email: "maria@example.ru" } };
const SESSIONS = new Map();

function args(argv) {
  const out = { mode: argv[0], claims: "{}", sub: "1001", port: "8001", widget: "http://127.0.0.1:8080" };
  for (let i = 1; i < argv.length; i += 2) out[argv[i].replace(/^--/, "")] = argv[i + 1];
  return out;
}

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function main() {
  const a = args(process.argv.slice(2));
  const raw = fs.readFileSync(a.key);
  const cfg = { site: a.site, kid: a.kid, alg: a.alg, key: a.alg === "HS256" ? raw.toString().trim() : raw };
  if (a.mode === "mint") {
    const user = { id: a.sub, name: "Мария Иванова", email: "maria@example.ru" };
    console.log(await mint(cfg, user, JSON.parse(a.claims)));
    return;
  }
  const SSO_JS = `// Hands the widget a fresh token whenever it asks; tells it about logout. Works whether or not
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
`;
  const server = http.createServer(async (req, res) => {
    const sid = /(?:^|;\s*)site_session=([^;]+)/.exec(req.headers.cookie || "")?.[1];
    const user = USERS[SESSIONS.get(sid)];
    const send = (status, body, type = "text/html; charset=utf-8", headers = {}) => {
      res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store", ...headers });
      res.end(body);
    };
    const url = new URL(req.url, "http://x");
    if (req.method === "GET" && url.pathname === "/sso-token") {
      if (!user) return send(401, JSON.stringify({ token: null }), "application/json");
      return send(200, JSON.stringify({ token: await mint(cfg, user) }), "application/json");
    }
    if (req.method === "GET" && url.pathname === "/sso.js") {
      return send(200, SSO_JS, "text/javascript; charset=utf-8");
    }
    if (req.method === "POST") {
      let body = "";
      for await (const chunk of req) body += chunk;
      const form = new URLSearchParams(body);
      if (url.pathname === "/login") {
        const u = USERS[form.get("login")];
        if (u && u.password === form.get("password")) {
          const id = crypto.randomBytes(32).toString("base64url");
          SESSIONS.set(id, form.get("login"));
          return send(303, "", undefined, { Location: "/", "Set-Cookie": `site_session=${id}; Path=/; HttpOnly; SameSite=Lax` });
        }
      }
      if (url.pathname === "/logout") SESSIONS.delete(sid);
      return send(303, "", undefined, { Location: "/" });
    }
    if (url.pathname !== "/") return send(404, "not found", "text/plain");
    const account = user
      ? `<p id="who">Вы вошли на сайт как ${esc(user.name)}</p><form method="post" action="/logout"><button id="site-logout">Выйти</button></form>`
      : `<form method="post" action="/login" id="login-form"><label>Логин <input name="login" id="login"></label>
         <label>Пароль <input name="password" id="password" type="password"></label><button id="site-login">Войти</button></form>`;
    send(200, `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Сайт города</title></head><body>
<h1>Сайт города</h1>${account}
<script src="${esc(a.widget)}/widget.js" data-site="${esc(a.site)}" async></script>
<script src="/sso.js"></script></body></html>`);
  });
  server.listen(Number(a.port), "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
}

main().catch((e) => { console.error(e.message); process.exit(1); });
