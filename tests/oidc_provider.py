"""A small OpenID Connect provider for tests: discovery, authorize, token, JWKS and userinfo over real HTTP.

It runs in a thread on a free loopback port and signs ID tokens with its own RSA key (RS256), so Mingze's
sign-on code talks to it exactly as to the city's identity platform: fetching the keys, checking the signature,
the nonce and the audience, reading userinfo.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # the stdlib names it `format`
        pass


@dataclass
class OIDCProvider:
    """The person who "signs in" at the provider is `claims`; set it before each login."""

    client_id: str = "mingze"
    client_secret: str = "provider-secret"
    claims: dict = field(default_factory=dict)
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    kid: str = "test-key-1"
    signing_key: rsa.RSAPrivateKey | None = None  # set to sign with a key the JWKS does not publish
    _codes: dict = field(default_factory=dict)
    _tokens: dict = field(default_factory=dict)
    server: WSGIServer | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def start(self) -> OIDCProvider:
        self.server = make_server("127.0.0.1", 0, self._app, handler_class=_QuietHandler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    # --- the endpoints ---------------------------------------------------------------------------------------
    def _app(self, environ, start_response):
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        routes = {
            ("GET", "/.well-known/openid-configuration"): lambda: self._json(self.discovery()),
            ("GET", "/authorize"): lambda: self._authorize(parse_qs(environ["QUERY_STRING"])),
            ("POST", "/token"): lambda: self._token(parse_qs(self._body(environ))),
            ("GET", "/jwks"): lambda: self._json({"keys": [self._jwk()]}),
            ("GET", "/userinfo"): lambda: self._userinfo(environ.get("HTTP_AUTHORIZATION", "")),
        }
        route = routes.get((method, path))
        status, headers, body = route() if route else ("404 Not Found", [], b"")
        start_response(status, headers)
        return [body]

    def _authorize(self, query: dict) -> tuple:
        """The person is already signed in at the provider: answer at once with a code for the redirect URI."""
        if query.get("client_id") != [self.client_id] or query.get("response_type") != ["code"]:
            return "400 Bad Request", [], b"bad client or response type"
        code = secrets.token_urlsafe(16)
        self._codes[code] = {"nonce": query.get("nonce", [None])[0], "redirect_uri": query["redirect_uri"][0]}
        target = query["redirect_uri"][0] + "?" + urlencode({"code": code, "state": query["state"][0]})
        return "302 Found", [("Location", target)], b""

    def _token(self, form: dict) -> tuple:
        grant = self._codes.pop(form.get("code", [""])[0], None)
        if (
            grant is None
            or form.get("client_secret") != [self.client_secret]
            or form.get("redirect_uri") != [grant["redirect_uri"]]
        ):
            return "400 Bad Request", [("Content-Type", "application/json")], b'{"error": "invalid_grant"}'
        access_token = secrets.token_urlsafe(16)
        self._tokens[access_token] = dict(self.claims)
        now = int(time.time())
        id_token = jwt.encode(
            {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 300, "nonce": grant["nonce"],
             "sub": self.claims.get("preferred_username", "")},
            self.signing_key or self.key,
            algorithm="RS256",
            headers={"kid": self.kid},
        )  # fmt: skip
        return self._json({"access_token": access_token, "token_type": "Bearer", "id_token": id_token})

    def _userinfo(self, authorization: str) -> tuple:
        claims = self._tokens.get(authorization.removeprefix("Bearer "))
        if claims is None:
            return "401 Unauthorized", [], b""
        return self._json(claims)

    def _jwk(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return jwk | {"kid": self.kid, "alg": "RS256", "use": "sig"}

    @staticmethod
    def _body(environ) -> str:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        return environ["wsgi.input"].read(length).decode()

    @staticmethod
    def _json(data: dict) -> tuple:
        return "200 OK", [("Content-Type", "application/json")], json.dumps(data).encode()
