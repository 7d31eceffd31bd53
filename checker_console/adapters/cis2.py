"""The console's side of NHS CIS2 sign-in: OpenID Connect, authorization code flow with PKCE.

Authlib does the protocol: the authorization URL (state, nonce, S256 code challenge), the token
request, and the ``private_key_jwt`` client assertion signed with RS512. We send them with our
own httpx client rather than Authlib's httpx integration, which is deprecated in favour of
httpx2 (the rest of the console uses httpx). Tokens are checked with joserfc, the JOSE library
Authlib itself now uses (``authlib.jose`` is deprecated): signature against the issuer's
published keys, then iss, aud, exp, iat and nonce.

One :class:`Cis2Client` serves the whole process. It caches the discovery document and the
issuer's keys, fetching the keys again once when a token names a key it has not seen (CIS2
rotates keys). Every HTTP call uses a short-lived client, so the object is safe to share
between event loops.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri, prepare_token_request
from authlib.oauth2.rfc7523 import private_key_jwt_sign
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet, RSAKey

from checker_console.adapters.cis2_keys import SIGNING_ALG as CLIENT_ASSERTION_ALG

#: What we accept on tokens from CIS2 (it signs with RS512 today); never "none" or HMAC.
ACCEPTED_TOKEN_ALGS = ("RS256", "RS512")
#: Clock difference we tolerate between CIS2 and us when checking exp and iat.
LEEWAY_SECONDS = 60
BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class Cis2Error(Exception):
    """Sign-in with CIS2 could not be completed; the message says why and what to do."""


class ProviderUnavailable(Cis2Error):
    """CIS2 (or the stand-in) did not answer as an OpenID provider should."""


class TokenRequestRefused(Cis2Error):
    """The token endpoint refused to redeem the authorization code."""


class TokenRejected(Cis2Error):
    """A token from CIS2 failed validation: forged, expired, for someone else or replayed."""


@dataclass(frozen=True)
class Cis2ClientConfig:
    issuer: str
    client_id: str
    redirect_uri: str
    signing_key: RSAKey
    scopes: str = "openid profile email nationalrbacaccess selectedrole"
    #: Sent as ``acr_values`` so CIS2 itself insists on the assurance we need (AAL3_ANY).
    acr_values: str | None = None
    timeout_seconds: float = 10.0
    #: A token naming an unknown key makes us fetch CIS2's keys again, at most this often.
    key_refresh_seconds: float = 30.0


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None = None


@dataclass(frozen=True)
class Cis2Identity:
    """A validated sign-in: the ID token's claims and the userinfo that goes with them."""

    claims: Mapping[str, Any]
    userinfo: Mapping[str, Any] = field(default_factory=dict)

    @property
    def uid(self) -> str:
        return str(self.claims.get("uid") or self.userinfo.get("uid") or self.claims["sub"])

    @property
    def display_name(self) -> str:
        for source in (self.userinfo, self.claims):
            if source.get("name"):
                return str(source["name"])
            parts = [source.get("given_name"), source.get("family_name")]
            if any(parts):
                return " ".join(str(p) for p in parts if p)
        return self.uid

    @property
    def email(self) -> str | None:
        """The email CIS2 holds for the person (``email`` scope): conflicts are checked by it."""
        value = self.userinfo.get("email") or self.claims.get("email")
        return str(value) if value else None

    @property
    def sid(self) -> str | None:
        value = self.claims.get("sid")
        return str(value) if value else None

    @property
    def selected_roleid(self) -> str | None:
        value = self.claims.get("selected_roleid") or self.userinfo.get("selected_roleid")
        return str(value) if value else None


@dataclass(frozen=True)
class LogoutNotice:
    """A validated back-channel logout token: end the sessions of this CIS2 session or user."""

    sid: str | None
    sub: str | None


class Cis2Client:
    def __init__(self, config: Cis2ClientConfig) -> None:
        self.config = config
        self._metadata: ProviderMetadata | None = None
        self._keys: KeySet | None = None
        self._keys_fetched_at = 0.0

    # Discovery and keys -------------------------------------------------------------------

    async def metadata(self) -> ProviderMetadata:
        if self._metadata is None:
            url = self.config.issuer.rstrip("/") + "/.well-known/openid-configuration"
            document = await self._get_json(url)
            if document.get("issuer") != self.config.issuer:
                raise ProviderUnavailable(
                    f"The discovery document at {url} names issuer {document.get('issuer')!r}, "
                    f"not {self.config.issuer!r}: set CHECKER_CIS2_ISSUER to the exact issuer."
                )
            try:
                self._metadata = ProviderMetadata(
                    issuer=document["issuer"],
                    authorization_endpoint=document["authorization_endpoint"],
                    token_endpoint=document["token_endpoint"],
                    userinfo_endpoint=document["userinfo_endpoint"],
                    jwks_uri=document["jwks_uri"],
                    end_session_endpoint=document.get("end_session_endpoint"),
                )
            except KeyError as missing:
                raise ProviderUnavailable(f"The discovery document lacks {missing}.") from None
        return self._metadata

    async def _issuer_keys(self, *, refresh: bool = False) -> KeySet:
        age = time.monotonic() - self._keys_fetched_at
        fresh_enough = age < self.config.key_refresh_seconds
        if self._keys is None or (refresh and not fresh_enough):
            document = await self._get_json((await self.metadata()).jwks_uri)
            try:
                self._keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
            except (JoseError, ValueError, TypeError) as exc:
                raise ProviderUnavailable(f"CIS2 published unreadable keys: {exc}") from exc
            self._keys_fetched_at = time.monotonic()
        return self._keys

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            async with httpx.AsyncClient(timeout=self.config.timeout_seconds) as http:
                response = await http.get(url, headers={"Accept": "application/json"})
                response.raise_for_status()
                document = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ProviderUnavailable(
                f"Could not read {url} ({exc}). Check that CIS2 is reachable from the console."
            ) from exc
        if not isinstance(document, dict):
            raise ProviderUnavailable(f"{url} did not return a JSON object.")
        return document

    def _client_assertion(self, token_endpoint: str) -> str:
        """``private_key_jwt``: iss = sub = our client id, aud = the token endpoint, 5 minutes."""
        key = self.config.signing_key
        return private_key_jwt_sign(
            key,
            client_id=self.config.client_id,
            token_endpoint=token_endpoint,
            header={"kid": key.kid} if key.kid else None,
            alg=CLIENT_ASSERTION_ALG,
            expires_in=300,
        )

    # The code flow ------------------------------------------------------------------------

    async def authorization_url(self, *, state: str, nonce: str, code_verifier: str) -> str:
        metadata = await self.metadata()
        return str(
            prepare_grant_uri(
                metadata.authorization_endpoint,
                client_id=self.config.client_id,
                response_type="code",
                redirect_uri=self.config.redirect_uri,
                scope=self.config.scopes,
                state=state,
                nonce=nonce,
                code_challenge=create_s256_code_challenge(code_verifier),
                code_challenge_method="S256",
                acr_values=self.config.acr_values,
            )
        )

    async def exchange_code(self, *, code: str, code_verifier: str | None) -> dict[str, Any]:
        """Redeem the code; ``code_verifier`` is required by CIS2 (None only to prove that)."""
        endpoint = (await self.metadata()).token_endpoint
        body = prepare_token_request(
            "authorization_code",
            code=code,
            redirect_uri=self.config.redirect_uri,
            code_verifier=code_verifier,
            client_assertion_type=CLIENT_ASSERTION_TYPE,
            client_assertion=self._client_assertion(endpoint),
        )
        try:
            async with httpx.AsyncClient(timeout=self.config.timeout_seconds) as http:
                response = await http.post(
                    endpoint,
                    content=body,
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Accept": "application/json",
                    },
                )
            token = response.json()
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(f"Could not reach the CIS2 token endpoint ({exc}).") from exc
        except ValueError:
            token = {}
        if not isinstance(token, dict) or response.status_code != 200 or "error" in token:
            token = token if isinstance(token, dict) else {}
            raise TokenRequestRefused(
                f"CIS2 refused the sign-in code (HTTP {response.status_code}, "
                f"{token.get('error', 'no error code')}: {token.get('error_description', '')}). "
                "Start the sign-in again."
            )
        if not token.get("id_token") or not token.get("access_token"):
            raise TokenRequestRefused(
                "CIS2 returned no ID token or access token: is the openid scope requested?"
            )
        return dict(token)

    async def validate_id_token(self, id_token: str, *, nonce: str) -> dict[str, Any]:
        claims = await self._decode(id_token, what="ID token")
        registry = jwt.JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": self.config.issuer},
            aud={"essential": True, "value": self.config.client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        _check(registry, claims, what="ID token")
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.config.client_id:
            raise TokenRejected("The ID token was issued to another party (azp).")
        return claims

    async def fetch_userinfo(self, access_token: str) -> dict[str, Any]:
        url = (await self.metadata()).userinfo_endpoint
        try:
            async with httpx.AsyncClient(timeout=self.config.timeout_seconds) as http:
                response = await http.get(url, headers={"Authorization": f"Bearer {access_token}"})
                response.raise_for_status()
                info = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ProviderUnavailable(f"Could not read CIS2 roles from {url} ({exc}).") from exc
        if not isinstance(info, dict):
            raise ProviderUnavailable("CIS2 userinfo was not a JSON object.")
        return info

    async def sign_in(self, *, code: str, code_verifier: str, nonce: str) -> Cis2Identity:
        """The whole callback: redeem, validate, read roles. Raises a :class:`Cis2Error`."""
        token = await self.exchange_code(code=code, code_verifier=code_verifier)
        claims = await self.validate_id_token(token["id_token"], nonce=nonce)
        userinfo = await self.fetch_userinfo(token["access_token"])
        if userinfo.get("sub") != claims["sub"]:
            raise TokenRejected("CIS2 userinfo describes someone other than the ID token.")
        return Cis2Identity(claims=claims, userinfo=userinfo)

    async def validate_logout_token(self, logout_token: str) -> LogoutNotice:
        """OpenID Connect Back-Channel Logout 1.0, section 2.6."""
        claims = await self._decode(logout_token, what="logout token")
        registry = jwt.JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": self.config.issuer},
            aud={"essential": True, "value": self.config.client_id},
            iat={"essential": True},
            jti={"essential": True},
            events={"essential": True},
        )
        _check(registry, claims, what="logout token")
        events = claims["events"]
        event = events.get(BACKCHANNEL_LOGOUT_EVENT) if isinstance(events, dict) else None
        if not isinstance(event, dict):
            raise TokenRejected("The logout token does not carry the back-channel logout event.")
        if "nonce" in claims:
            raise TokenRejected("A logout token must not carry a nonce.")
        sid, sub = claims.get("sid"), claims.get("sub")
        if not sid and not sub:
            raise TokenRejected("The logout token names neither a session (sid) nor a user (sub).")
        return LogoutNotice(sid=str(sid) if sid else None, sub=str(sub) if sub else None)

    async def _decode(self, token: str, *, what: str) -> dict[str, Any]:
        for refresh in (False, True):
            keys = await self._issuer_keys(refresh=refresh)
            try:
                return dict(jwt.decode(token, keys, algorithms=list(ACCEPTED_TOKEN_ALGS)).claims)
            except InvalidKeyIdError:
                if refresh:
                    raise TokenRejected(
                        f"The {what} is signed with a key CIS2 does not publish."
                    ) from None
            except JoseError as exc:
                raise TokenRejected(f"The {what} signature is not valid ({exc.error}).") from exc
        raise AssertionError("unreachable")  # pragma: no cover


def _check(registry: jwt.JWTClaimsRegistry, claims: dict[str, Any], *, what: str) -> None:
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise TokenRejected(f"The {what} is not valid: {exc.description or exc.error}.") from exc
