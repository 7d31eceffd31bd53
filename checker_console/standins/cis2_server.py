"""The CIS2 stand-in's OpenID provider logic, built from Authlib's server parts.

Authlib supplies the protocol: the authorization code grant, PKCE (``CodeChallenge``), ID tokens
(``OpenIDCode``) and client authentication by signed assertion (``JWTBearerClientAssertion``).
This module supplies what Authlib leaves to a deployment: one registered client, an in-memory
store, CIS2-shaped claims, and the stricter rules CIS2 applies: PKCE with S256 is required,
``private_key_jwt`` is the only client authentication, and each assertion's ``jti`` is used once.

Authlib's server is synchronous; the Starlette routes in ``standins.cis2`` read the request body
first and fetch the client's keys first, so nothing here does I/O.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from authlib.oauth2.rfc6749 import AuthorizationServer, ClientMixin, OAuth2Request
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant as _AuthorizationCodeGrant
from authlib.oauth2.rfc6749.requests import OAuth2Payload
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.core.grants.util import create_half_hash
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from checker_console.standins.cis2_users import DemoPerson, person_by_uid

ID_TOKEN_ALG = "RS512"
CODE_LIFETIME_SECONDS = 300
TOKEN_LIFETIME_SECONDS = 3600
#: Faults a test can ask for on the next ID token: each is a reason the console must refuse it.
ID_TOKEN_FAULTS = ("forged_signature", "wrong_audience", "expired", "wrong_nonce")


@dataclass(frozen=True)
class RegisteredClient(ClientMixin):
    """The console, as registered with the stand-in (CIS2 keeps the same facts per client)."""

    client_id: str
    redirect_uris: tuple[str, ...]
    jwks_uri: str | None = None
    backchannel_logout_uri: str | None = None
    scopes: frozenset[str] = frozenset(
        {"openid", "profile", "email", "nationalrbacaccess", "selectedrole"}
    )

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in scope.split() if s in self.scopes) if scope else ""

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return False  # CIS2 clients have no shared secret

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "private_key_jwt"

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class IssuedCode(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str
    code_challenge_method: str
    person_uid: str
    sid: str
    auth_time: int
    expires_at: float

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time


@dataclass
class ProviderStore:
    """Everything the stand-in remembers, in memory, behind one lock."""

    codes: dict[str, IssuedCode] = field(default_factory=dict)
    access_tokens: dict[str, tuple[str, float]] = field(default_factory=dict)
    #: CIS2 session id -> person uid, for back-channel logout.
    sessions: dict[str, str] = field(default_factory=dict)
    used_jtis: set[str] = field(default_factory=set)
    next_id_token_fault: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_fault(self) -> str | None:
        with self.lock:
            fault, self.next_id_token_fault = self.next_id_token_fault, None
            return fault

    def person_for_access_token(self, token: str) -> DemoPerson | None:
        with self.lock:
            entry = self.access_tokens.get(token)
        if entry is None or entry[1] < time.time():
            return None
        return person_by_uid(entry[0])


class FormPayload(OAuth2Payload):
    def __init__(self, data: dict[str, str]) -> None:
        self._data = data

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> dict[str, list[str]]:
        return {key: [value] for key, value in self._data.items()}


class FormRequest(OAuth2Request):
    """An already-read HTTP request for Authlib: query and form fields merged (query first)."""

    def __init__(
        self, method: str, uri: str, headers: dict[str, str], query: dict[str, str],
        form: dict[str, str], person: DemoPerson | None = None,
    ) -> None:  # fmt: skip
        super().__init__(method, uri, headers=headers)
        self._args, self._form = query, form
        self.payload = FormPayload({**query, **form})
        self.person = person

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class StrictCodeChallenge(CodeChallenge):
    """CIS2 requires PKCE with S256 on every authorization request, not only for public clients."""

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge") or data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE is required: send code_challenge with method S256.")
        super().validate_code_challenge(grant, redirect_uri)


class PrivateKeyJwtAssertion(JWTBearerClientAssertion):
    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self, server: Cis2Server) -> None:
        super().__init__(leeway=60)
        self.server = server

    def get_audiences(self) -> list[str]:
        return [self.server.token_endpoint, self.server.issuer]

    def resolve_client_public_key(self, client: RegisteredClient) -> KeySet:
        if self.server.client_keys is None:
            raise InvalidRequestError("The stand-in has no public key for this client yet.")
        return self.server.client_keys

    def process_assertion_claims(self, assertion: str, resolve_key: Any) -> dict[str, Any]:
        # CIS2 signs and expects RS512, which joserfc does not allow unless asked.
        from authlib.oauth2.rfc6749 import InvalidClientError

        try:
            token = jwt.decode(assertion, resolve_key, algorithms=["RS256", "RS512"])
        except JoseError as exc:
            raise InvalidClientError(description=f"Client assertion: {exc.error}") from exc
        self.verify_claims(token.claims)
        return token.claims

    def validate_jti(self, claims: dict[str, Any], jti: str) -> bool:
        with self.server.store.lock:
            if jti in self.server.store.used_jtis:
                return False
            self.server.store.used_jtis.add(jti)
            return True


class AuthorizationCodeGrant(_AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["private_key_jwt"]

    def save_authorization_code(self, code: str, request: FormRequest) -> None:
        data = request.payload.data
        person: DemoPerson = request.user
        issued = IssuedCode(
            code=code,
            client_id=request.client.get_client_id(),
            redirect_uri=data.get("redirect_uri", ""),
            scope=request.scope,
            nonce=data.get("nonce"),
            code_challenge=data["code_challenge"],
            code_challenge_method=data["code_challenge_method"],
            person_uid=person.uid,
            sid=secrets.token_urlsafe(16),
            auth_time=int(time.time()),
            expires_at=time.time() + CODE_LIFETIME_SECONDS,
        )
        with self.server.store.lock:
            self.server.store.codes[code] = issued

    def query_authorization_code(self, code: str, client: RegisteredClient) -> IssuedCode | None:
        with self.server.store.lock:
            issued = self.server.store.codes.get(code)
        if issued and issued.client_id == client.client_id and issued.expires_at > time.time():
            return issued
        return None

    def delete_authorization_code(self, authorization_code: IssuedCode) -> None:
        with self.server.store.lock:
            self.server.store.codes.pop(authorization_code.code, None)
            self.server.store.sessions[authorization_code.sid] = authorization_code.person_uid

    def authenticate_user(self, authorization_code: IssuedCode) -> DemoPerson | None:
        return person_by_uid(authorization_code.person_uid)


class Cis2OpenIDCode(OpenIDCode):
    """ID tokens with CIS2's claims, signed RS512; and the test faults, applied here."""

    def __init__(self, server: Cis2Server) -> None:
        super().__init__(require_nonce=True)
        self.server = server

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        with self.server.store.lock:
            return any(code.nonce == nonce for code in self.server.store.codes.values())

    def generate_user_info(self, user: DemoPerson, scope: str) -> dict[str, Any]:
        return user.id_token_claims()

    def encode_id_token(self, token: dict[str, Any], request: OAuth2Request) -> str:
        code: IssuedCode = request.authorization_code
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.server.issuer,
            "aud": request.client.get_client_id(),
            "iat": now,
            "exp": now + TOKEN_LIFETIME_SECONDS,
            "auth_time": code.auth_time,
            "nonce": code.nonce,
            "sid": code.sid,
            **self.generate_user_info(request.user, token["scope"]),
        }
        half_hash = create_half_hash(token["access_token"], ID_TOKEN_ALG)
        if half_hash is not None:
            claims["at_hash"] = half_hash.decode()
        key = self.server.signing_key
        fault = self.server.store.take_fault()
        if fault == "wrong_audience":
            claims["aud"] = "some-other-service"
        elif fault == "expired":
            claims["iat"], claims["exp"] = now - 3600, now - 600
        elif fault == "wrong_nonce":
            claims["nonce"] = secrets.token_urlsafe(16)
        elif fault == "forged_signature":  # same key id, different key: a forger's token
            key = RSAKey.generate_key(2048, parameters={"kid": key.kid or ""}, private=True)
        header = {"alg": ID_TOKEN_ALG, "kid": self.server.signing_key.kid}
        return jwt.encode(header, claims, key, algorithms=[ID_TOKEN_ALG])


class Cis2Server(AuthorizationServer):
    def __init__(self, *, issuer: str, signing_key: RSAKey, client: RegisteredClient) -> None:
        super().__init__(scopes_supported=sorted(client.scopes))
        self.issuer = issuer.rstrip("/")
        self.signing_key = signing_key
        self.client = client
        self.client_keys: KeySet | None = None
        self.store = ProviderStore()
        self.register_client_auth_method("private_key_jwt", PrivateKeyJwtAssertion(self))
        self.register_grant(
            AuthorizationCodeGrant, [StrictCodeChallenge(required=True), Cis2OpenIDCode(self)]
        )
        self.register_token_generator("default", self._bearer_token)

    @property
    def token_endpoint(self) -> str:
        return self.issuer + "/token"

    def query_client(self, client_id: str) -> RegisteredClient | None:
        return self.client if client_id == self.client.client_id else None

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        with self.store.lock:
            self.store.access_tokens[token["access_token"]] = (
                request.user.uid,
                time.time() + TOKEN_LIFETIME_SECONDS,
            )

    def _bearer_token(self, *, scope: str | None = None, **_: Any) -> dict[str, Any]:
        return {
            "token_type": "Bearer",
            "access_token": secrets.token_urlsafe(32),
            "expires_in": TOKEN_LIFETIME_SECONDS,
            "scope": scope or "",
        }

    def create_oauth2_request(self, request: FormRequest) -> FormRequest:
        return request

    def handle_response(self, status: int, body: Any, headers: Any) -> tuple[int, Any, Any]:
        return status, body, dict(headers)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None
