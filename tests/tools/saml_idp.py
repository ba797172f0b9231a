#!/usr/bin/env python3
"""A SAML 2.0 Identity Provider on loopback for Janua's end-to-end tests.

An independent peer: pysaml2 (`saml2.server.Server`) parses the Service Provider's messages and
builds the answers, Debian's `xmlsec1` signs them (RSA-SHA256, SHA-256 digests by default), so
the tests exercise Janua's Service Provider against someone else's reading of the SAML 2.0
specifications (saml-core, saml-bindings, saml-profiles). Driven over HTTP by
`janua_testkit::saml_idp`.

    python saml_idp.py --port 0 --state-dir DIR

generates a fresh RSA-2048 key and self-signed certificate into DIR, binds 127.0.0.1:PORT
(0 = any free port) and prints `LISTENING <port>` once ready.

Endpoints:
  GET  /metadata                 IdP metadata (signing key, SSO redirect + POST, SLO POST)
  GET  /sso/redirect, POST /sso/post
                                 AuthnRequest -> auto-post form with a signed Response
  GET  /idp-initiated?sp=&RelayState=
                                 unsolicited Response (no InResponseTo)
  POST /slo (GET too)            LogoutRequest / LogoutResponse from an SP: recorded
  POST /admin/sp                 {"entity_id","acs_url","slo_url"?,"signing_cert_pem"?}
                                 or {"metadata_xml"}
  POST /admin/user               {"name_id","name_id_format"?: email|persistent,"attributes"}
  POST /admin/options            see DEFAULT_OPTIONS; POST /admin/reset restores them
  POST /admin/logout-request     {"sp","name_id","session_index"?} -> auto-post form
  GET  /admin/received           what the SSO and SLO endpoints received, oldest first
"""

import argparse
import base64
import copy
import datetime
import html
import json
import shutil
import sys
import threading
import time
import traceback
import urllib.parse
import uuid
import warnings
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from cryptography.utils import CryptographyDeprecationWarning

# pysaml2 7.5 names cipher modes cryptography has deprecated; the noise would bury the log.
warnings.filterwarnings("ignore", category=CryptographyDeprecationWarning)

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, class_name, saml
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_BASIC, NAMEID_FORMAT_EMAILADDRESS, NAMEID_FORMAT_PERSISTENT
from saml2.server import Server
from saml2.sigver import pre_signature_part, signed_instance_factory
from saml2.xmldsig import DIGEST_SHA1, DIGEST_SHA256, SIG_RSA_SHA1, SIG_RSA_SHA256

MD_NS = "urn:oasis:names:tc:SAML:2.0:metadata"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
AUTHN_PASSWORD_PROTECTED_TRANSPORT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
XS_STRING = "xs:string"

NAME_ID_FORMATS = {"email": NAMEID_FORMAT_EMAILADDRESS, "persistent": NAMEID_FORMAT_PERSISTENT}

ALGORITHMS = {"sha256": (SIG_RSA_SHA256, DIGEST_SHA256), "sha1": (SIG_RSA_SHA1, DIGEST_SHA1)}

# Redirect-binding signature algorithms (saml-bindings 3.4.4.1) -> the hash cryptography uses.
REDIRECT_SIG_HASHES = {SIG_RSA_SHA256: hashes.SHA256, SIG_RSA_SHA1: hashes.SHA1}

DEFAULT_OPTIONS = {
    "sign_response": True,
    "sign_assertion": True,
    "algorithm": "sha256",
    "audience": None,
    "destination": None,
    "recipient": None,
    "in_response_to": None,
    "not_on_or_after_offset_secs": 300,
    "not_before_offset_secs": 0,
    "session_index": None,
    # Reject AuthnRequests that carry no valid signature (needs the SP's signing_cert_pem).
    "require_signed_authn_requests": False,
}

DEFAULT_USER = {
    "name_id": "alice@example.com",
    "name_id_format": "email",
    "attributes": {
        "email": ["alice@example.com"],
        "givenName": ["Alice"],
        "sn": ["Example"],
        "groups": [],
    },
}


class BadRequest(Exception):
    """Anything wrong with what a client sent: answered 400 with this text."""


def log(message):
    print(f"saml_idp: {message}", file=sys.stderr, flush=True)


def saml_time(epoch_secs):
    return datetime.datetime.fromtimestamp(epoch_secs, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def pem_body(pem):
    """The base64 of a PEM certificate, as metadata and KeyInfo carry it."""
    lines = [line.strip() for line in pem.strip().splitlines()]
    return "".join(line for line in lines if line and not line.startswith("-----"))


def generate_signing_key(state_dir):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Janua test SAML IdP")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file = state_dir / "idp-key.pem"
    cert_file = state_dir / "idp-cert.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


def sp_metadata_xml(entity_id, acs_url, slo_url=None, signing_cert_pem=None):
    """An SP EntityDescriptor (saml-metadata 2.4.4): pysaml2 only answers SPs it has metadata for."""
    q = lambda value: html.escape(value, quote=True)  # noqa: E731
    key = ""
    if signing_cert_pem:
        key = (
            f'<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>'
            f"{pem_body(signing_cert_pem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"
            f"</md:KeyDescriptor>"
        )
    slo = ""
    if slo_url:
        slo = (
            f'<md:SingleLogoutService Binding="{BINDING_HTTP_POST}" Location="{q(slo_url)}"/>'
            f'<md:SingleLogoutService Binding="{BINDING_HTTP_REDIRECT}" Location="{q(slo_url)}"/>'
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<md:EntityDescriptor xmlns:md="{MD_NS}" xmlns:ds="{DS_NS}" entityID="{q(entity_id)}">'
        f'<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" '
        f'AuthnRequestsSigned="{"true" if signing_cert_pem else "false"}" WantAssertionsSigned="true">'
        f"{key}{slo}"
        f"<md:NameIDFormat>{NAMEID_FORMAT_EMAILADDRESS}</md:NameIDFormat>"
        f"<md:NameIDFormat>{NAMEID_FORMAT_PERSISTENT}</md:NameIDFormat>"
        f'<md:AssertionConsumerService Binding="{BINDING_HTTP_POST}" Location="{q(acs_url)}" '
        f'index="0" isDefault="true"/>'
        f"</md:SPSSODescriptor></md:EntityDescriptor>"
    )


def auto_post_form(action, fields):
    """The HTTP-POST binding's form (saml-bindings 3.5.4), submitted by script on load."""
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(name, quote=True)}" value="{html.escape(value, quote=True)}"/>'
        for name, value in fields
        if value is not None
    )
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>SAML</title></head>'
        '<body onload="document.forms[0].submit()">'
        f'<form method="post" action="{html.escape(action, quote=True)}">{inputs}'
        '<noscript><input type="submit" value="Continue"/></noscript></form></body></html>\n'
    )


class IdentityProvider:
    """The IdP's state; every method runs under the one lock (pysaml2 is not thread-safe)."""

    def __init__(self, base_url, key_file, cert_file):
        self.base_url = base_url
        self.entity_id = f"{base_url}/metadata"
        self.cert_pem = Path(cert_file).read_text()
        xmlsec = shutil.which("xmlsec1")
        if not xmlsec:
            raise SystemExit("saml_idp: xmlsec1 is not on PATH (Debian package xmlsec1)")
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "xmlsec_binary": xmlsec,
                "key_file": str(key_file),
                "cert_file": str(cert_file),
                "metadata": {},
                "accepted_time_diff": 60,
                "service": {
                    "idp": {
                        "name": "Janua test IdP",
                        "endpoints": {
                            "single_sign_on_service": [
                                (f"{base_url}/sso/redirect", BINDING_HTTP_REDIRECT),
                                (f"{base_url}/sso/post", BINDING_HTTP_POST),
                            ],
                            "single_logout_service": [(f"{base_url}/slo", BINDING_HTTP_POST)],
                        },
                        "name_id_format": [NAMEID_FORMAT_EMAILADDRESS, NAMEID_FORMAT_PERSISTENT],
                        "policy": {"default": {"lifetime": {"minutes": 5}, "name_form": NAME_FORMAT_BASIC}},
                        "want_authn_requests_signed": False,
                        "sign_response": True,
                        "sign_assertion": True,
                    }
                },
            }
        )
        self.server = Server(config=config)
        self.lock = threading.Lock()
        self.sps = {}  # entity id -> {"acs_url", "slo_url", "metadata_key"}
        self.user = copy.deepcopy(DEFAULT_USER)
        self.options = dict(DEFAULT_OPTIONS)
        self.received = []

    # --- admin -----------------------------------------------------------------------------

    def metadata_xml(self):
        descriptor = entity_descriptor(self.server.config)
        # pysaml2 advertises every algorithm xmlsec1 knows (MD5 included); say nothing instead.
        descriptor.extensions = None
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + str(descriptor)

    def register_sp(self, body):
        if body.get("metadata_xml"):
            xml = body["metadata_xml"]
        else:
            entity_id, acs_url = body.get("entity_id"), body.get("acs_url")
            if not isinstance(entity_id, str) or not isinstance(acs_url, str):
                raise BadRequest("entity_id and acs_url (strings) are required, or metadata_xml")
            xml = sp_metadata_xml(entity_id, acs_url, body.get("slo_url"), body.get("signing_cert_pem"))
        store = self.server.metadata
        before = set(store.metadata)
        try:
            store.load("inline", xml)
        except Exception as e:
            raise BadRequest(f"SP metadata rejected by pysaml2: {e}") from e
        key = (set(store.metadata) - before).pop()
        entities = list(store.metadata[key].keys())
        if len(entities) != 1:
            del store.metadata[key]
            raise BadRequest(f"expected one EntityDescriptor, found {len(entities)}")
        entity_id = entities[0]
        old = self.sps.get(entity_id)
        if old:
            store.metadata.pop(old["metadata_key"], None)
        acs = self.endpoints(store.assertion_consumer_service, entity_id)
        slo = self.endpoints(store.single_logout_service, entity_id, "spsso")
        self.sps[entity_id] = {
            "acs_url": acs[0]["location"] if acs else None,
            "slo_url": slo[0]["location"] if slo else None,
            "metadata_key": key,
        }
        log(f"registered SP {entity_id}: {self.sps[entity_id]}")
        return {
            "entity_id": entity_id,
            "acs_url": self.sps[entity_id]["acs_url"],
            "slo_url": self.sps[entity_id]["slo_url"],
        }

    @staticmethod
    def endpoints(lookup, entity_id, *typ):
        """The SP's HTTP-POST endpoints of one kind; pysaml2 raises when there are none."""
        try:
            return lookup(entity_id, BINDING_HTTP_POST, *typ) or []
        except Exception:
            return []

    def set_user(self, body):
        name_id = body.get("name_id")
        if not isinstance(name_id, str) or not name_id:
            raise BadRequest("name_id (a non-empty string) is required")
        fmt = body.get("name_id_format", "email")
        if fmt not in NAME_ID_FORMATS:
            raise BadRequest(f"name_id_format must be one of {sorted(NAME_ID_FORMATS)}")
        attributes = body.get("attributes", {})
        if not isinstance(attributes, dict):
            raise BadRequest("attributes must be an object of name -> [values]")
        clean = {}
        for name, values in attributes.items():
            if isinstance(values, str):
                values = [values]
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise BadRequest(f"attribute {name}: values must be strings")
            clean[name] = values
        self.user = {"name_id": name_id, "name_id_format": fmt, "attributes": clean}
        return self.user

    def set_options(self, body):
        unknown = set(body) - set(DEFAULT_OPTIONS)
        if unknown:
            raise BadRequest(f"unknown options: {sorted(unknown)}")
        if "algorithm" in body and body["algorithm"] not in ALGORITHMS:
            raise BadRequest(f"algorithm must be one of {sorted(ALGORITHMS)}")
        for name in ("not_on_or_after_offset_secs", "not_before_offset_secs"):
            if name in body and (not isinstance(body[name], int) or isinstance(body[name], bool)):
                raise BadRequest(f"{name} must be an integer")
        for name in ("sign_response", "sign_assertion", "require_signed_authn_requests"):
            if name in body and not isinstance(body[name], bool):
                raise BadRequest(f"{name} must be a boolean")
        for name in ("audience", "destination", "recipient", "in_response_to", "session_index"):
            if body.get(name) is not None and not isinstance(body[name], str):
                raise BadRequest(f"{name} must be a string or null")
        self.options.update(body)
        return self.options

    def reset(self):
        self.options = dict(DEFAULT_OPTIONS)
        return self.options

    def sp(self, entity_id):
        sp = self.sps.get(entity_id)
        if not sp:
            raise BadRequest(f"unknown SP {entity_id!r}: register it with POST /admin/sp")
        return sp

    # --- single sign-on ----------------------------------------------------------------------

    def verify_redirect_signature(self, raw_query, issuer):
        """saml-bindings 3.4.4.1: the signature covers the query parameters exactly as sent."""
        pairs = [p.split("=", 1) for p in raw_query.split("&") if "=" in p]
        raw = {k: v for k, v in pairs}
        if "Signature" not in raw:
            return "absent"
        sig_alg = urllib.parse.unquote_plus(raw.get("SigAlg", ""))
        hash_cls = REDIRECT_SIG_HASHES.get(sig_alg)
        if hash_cls is None:
            raise BadRequest(f"unsupported SigAlg {sig_alg!r}")
        message = next((k for k in ("SAMLRequest", "SAMLResponse") if k in raw), None)
        octets = "&".join(f"{k}={raw[k]}" for k in (message, "RelayState", "SigAlg") if k in raw)
        signature = base64.b64decode(urllib.parse.unquote_plus(raw["Signature"]))
        certs = self.server.metadata.certs(issuer, "spsso", "signing")
        if not certs:
            raise BadRequest(f"signed request from {issuer!r}, but no signing_cert_pem is registered for it")
        for _, cert_b64 in certs:
            der = base64.b64decode("".join(cert_b64.split()))
            public_key = x509.load_der_x509_certificate(der).public_key()
            try:
                public_key.verify(signature, octets.encode(), padding.PKCS1v15(), hash_cls())
                return "valid"
            except InvalidSignature:
                continue
        raise BadRequest("the redirect-binding signature does not verify with the SP's certificate")

    def sso(self, binding, saml_request, relay_state, raw_query=""):
        if not saml_request:
            raise BadRequest("SAMLRequest is missing")
        try:
            request = self.server.parse_authn_request(saml_request, binding)
        except Exception as e:
            raise BadRequest(f"AuthnRequest rejected by pysaml2: {type(e).__name__}: {e}") from e
        if request is None:
            raise BadRequest("AuthnRequest rejected by pysaml2")
        message = request.message
        issuer = message.issuer.text if message.issuer is not None else None
        rejection = None
        if binding == BINDING_HTTP_REDIRECT:
            try:
                signature = self.verify_redirect_signature(raw_query, issuer)
            except BadRequest as e:
                signature, rejection = "invalid", str(e)
        else:
            signature = "valid" if message.signature is not None else "absent"
        self.received.append(
            {
                "endpoint": "/sso/redirect" if binding == BINDING_HTTP_REDIRECT else "/sso/post",
                "kind": "AuthnRequest",
                "id": message.id,
                "issuer": issuer,
                "destination": message.destination,
                "acs_url": message.assertion_consumer_service_url,
                "force_authn": message.force_authn,
                "is_passive": message.is_passive,
                "signature": signature,
                "relay_state": relay_state,
                "xml": request.xmlstr.decode() if isinstance(request.xmlstr, bytes) else request.xmlstr,
            }
        )
        if rejection:
            raise BadRequest(rejection)
        if self.options["require_signed_authn_requests"] and signature != "valid":
            raise BadRequest("the AuthnRequest is not signed")
        sp = self.sp(issuer)
        acs_url = message.assertion_consumer_service_url or sp["acs_url"]
        # saml-profiles 4.1.4.1: an ACS URL in the request must be one the SP's metadata names.
        known = [
            s["location"] for s in self.endpoints(self.server.metadata.assertion_consumer_service, issuer)
        ]
        if acs_url not in known:
            raise BadRequest(f"AssertionConsumerServiceURL {acs_url!r} is not in the SP's metadata {known}")
        return self.respond(issuer, acs_url, message.id, relay_state)

    def idp_initiated(self, sp_entity_id, relay_state):
        sp = self.sp(sp_entity_id)
        return self.respond(sp_entity_id, sp["acs_url"], None, relay_state)

    def respond(self, sp_entity_id, acs_url, request_id, relay_state):
        xml = self.authn_response(sp_entity_id, acs_url, request_id)
        encoded = base64.b64encode(xml.encode()).decode()
        return auto_post_form(acs_url, [("SAMLResponse", encoded), ("RelayState", relay_state)])

    def authn_response(self, sp_entity_id, acs_url, request_id):
        """A Response with one Assertion (saml-core 2.3.3, saml-profiles 4.1.4.2)."""
        opts, user = self.options, self.user
        sign_alg, digest_alg = ALGORITHMS[opts["algorithm"]]
        fmt = NAME_ID_FORMATS[user["name_id_format"]]
        name_id = saml.NameID(format=fmt, text=user["name_id"])
        if fmt == NAMEID_FORMAT_PERSISTENT:
            name_id.name_qualifier = self.entity_id
            name_id.sp_name_qualifier = sp_entity_id
        response = self.server.create_authn_response(
            identity={},
            in_response_to=request_id,
            destination=acs_url,
            sp_entity_id=sp_entity_id,
            name_id=name_id,
            authn={"class_ref": AUTHN_PASSWORD_PROTECTED_TRANSPORT, "authn_auth": self.entity_id},
            sign_response=False,
            sign_assertion=False,
            encrypt_assertion=False,
        )
        if isinstance(response, (str, list)):
            raise BadRequest(f"pysaml2 could not build a response: {response}")
        assertion = response.assertion[0] if isinstance(response.assertion, list) else response.assertion

        now = time.time()
        not_on_or_after = saml_time(now + opts["not_on_or_after_offset_secs"])
        in_response_to = opts["in_response_to"] if opts["in_response_to"] is not None else request_id
        response.in_response_to = in_response_to
        response.destination = opts["destination"] if opts["destination"] is not None else acs_url

        conditions = assertion.conditions
        conditions.not_before = saml_time(now + opts["not_before_offset_secs"])
        conditions.not_on_or_after = not_on_or_after
        audience = opts["audience"] if opts["audience"] is not None else sp_entity_id
        conditions.audience_restriction = [saml.AudienceRestriction(audience=[saml.Audience(text=audience)])]

        confirmation = assertion.subject.subject_confirmation
        confirmation = confirmation[0] if isinstance(confirmation, list) else confirmation
        data = confirmation.subject_confirmation_data
        data.recipient = opts["recipient"] if opts["recipient"] is not None else acs_url
        data.not_on_or_after = not_on_or_after
        data.in_response_to = in_response_to
        data.not_before = None

        statement = assertion.authn_statement[0]
        statement.session_index = opts["session_index"] or f"_{uuid.uuid4().hex}"

        assertion.attribute_statement = [
            saml.AttributeStatement(
                attribute=[
                    saml.Attribute(
                        name=name,
                        name_format=NAME_FORMAT_BASIC,
                        attribute_value=[self.attribute_value(v) for v in values],
                    )
                    for name, values in user["attributes"].items()
                ]
            )
        ]

        to_sign = []
        if opts["sign_assertion"]:
            assertion.signature = pre_signature_part(
                assertion.id, self.server.sec.my_cert, 2, sign_alg=sign_alg, digest_alg=digest_alg
            )
            to_sign.append((class_name(assertion), assertion.id))
        if opts["sign_response"]:
            # The assertion is signed first: the response's digest covers its signature.
            response.signature = pre_signature_part(
                response.id, self.server.sec.my_cert, 1, sign_alg=sign_alg, digest_alg=digest_alg
            )
            to_sign.append((class_name(response), response.id))
        signed = signed_instance_factory(response, self.server.sec, to_sign)
        xml = signed if isinstance(signed, str) else signed.to_string().decode()
        if not xml.lstrip().startswith("<?xml"):
            xml = '<?xml version="1.0" encoding="UTF-8"?>' + xml
        return xml

    @staticmethod
    def attribute_value(text):
        value = saml.AttributeValue(text=text)
        value.set_type(XS_STRING)
        return value

    # --- single logout -----------------------------------------------------------------------

    def logout_request(self, body):
        sp_entity_id, name_id = body.get("sp"), body.get("name_id")
        if not isinstance(sp_entity_id, str) or not isinstance(name_id, str):
            raise BadRequest("sp and name_id (strings) are required")
        sp = self.sp(sp_entity_id)
        if not sp["slo_url"]:
            raise BadRequest(f"SP {sp_entity_id!r} has no slo_url")
        sign_alg, digest_alg = ALGORITHMS[self.options["algorithm"]]
        fmt = NAME_ID_FORMATS.get(
            body.get("name_id_format") or self.user["name_id_format"], NAMEID_FORMAT_EMAILADDRESS
        )
        session_index = body.get("session_index")
        # Refusal tests: another Destination, or an IssueInstant moved by an offset (the
        # request is then signed after the change, so only that attribute is wrong).
        destination = body.get("destination") or sp["slo_url"]
        offset = body.get("issue_instant_offset_secs")
        _, request = self.server.create_logout_request(
            destination,
            sp_entity_id,
            name_id=saml.NameID(format=fmt, text=name_id),
            reason="urn:oasis:names:tc:SAML:2.0:logout:admin",
            expire=saml_time(time.time() + 300),
            session_indexes=[session_index] if session_index else None,
            sign=offset is None,
            sign_alg=sign_alg,
            digest_alg=digest_alg,
        )
        if offset is not None:
            request.issue_instant = saml_time(time.time() + float(offset))
            request.signature = pre_signature_part(
                request.id, self.server.sec.my_cert, 1, sign_alg=sign_alg, digest_alg=digest_alg
            )
            request = signed_instance_factory(
                request, self.server.sec, [(class_name(request), request.id)]
            )
        xml = request if isinstance(request, str) else request.to_string().decode()
        encoded = base64.b64encode(xml.encode()).decode()
        return auto_post_form(
            sp["slo_url"], [("SAMLRequest", encoded), ("RelayState", body.get("relay_state"))]
        )

    def slo(self, binding, fields):
        """Records an SP's LogoutRequest or LogoutResponse (saml-profiles 4.4)."""
        kind = (
            "LogoutResponse"
            if fields.get("SAMLResponse")
            else "LogoutRequest" if fields.get("SAMLRequest") else None
        )
        if kind is None:
            raise BadRequest("SAMLRequest or SAMLResponse is missing")
        encoded = fields.get("SAMLResponse") or fields.get("SAMLRequest")
        try:
            raw = base64.b64decode(encoded, validate=False)
            xml = (zlib.decompress(raw, -15) if binding == BINDING_HTTP_REDIRECT else raw).decode()
        except Exception as e:
            raise BadRequest(
                f"{kind} is not valid base64{' + DEFLATE' if binding == BINDING_HTTP_REDIRECT else ''}: {e}"
            ) from e
        record = {
            "endpoint": "/slo",
            "kind": kind,
            "binding": binding,
            "relay_state": fields.get("RelayState"),
            "xml": xml,
        }
        try:
            if kind == "LogoutResponse":
                parsed = self.server.parse_logout_request_response(encoded, binding)
                message = parsed.response if parsed is not None else None
                if message is not None:
                    record["in_response_to"] = message.in_response_to
                    record["status"] = message.status.status_code.value
            else:
                parsed = self.server.parse_logout_request(encoded, binding)
                message = parsed.message if parsed is not None else None
                if message is not None:
                    record["name_id"] = message.name_id.text if message.name_id is not None else None
                    record["session_index"] = [s.text for s in message.session_index]
            if message is not None:
                record["id"] = message.id
                record["issuer"] = message.issuer.text if message.issuer is not None else None
                record["signed"] = message.signature is not None
            record["parsed"] = message is not None
        except Exception as e:
            # Recorded, not rejected: a test asserts on what the SP sent, valid or not.
            record["parsed"] = False
            record["error"] = f"{type(e).__name__}: {e}"
        self.received.append(record)
        log(f"/slo received {kind}: {record.get('error', 'ok')}")
        return "<!DOCTYPE html>\n<html><body>logout recorded</body></html>\n"


class Handler(BaseHTTPRequestHandler):
    idp: IdentityProvider = None
    server_version = "JanuaTestSamlIdp/1"

    def log_message(self, fmt, *args):
        log(f"{self.address_string()} {fmt % args}")

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def dispatch(self, method):
        url = urllib.parse.urlsplit(self.path)
        query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}
        try:
            body = self.read_body()
            with self.idp.lock:
                status, content_type, payload = self.route(method, url.path, url.query, query, body)
        except BadRequest as e:
            status, content_type, payload = 400, "text/plain; charset=utf-8", f"{e}\n"
        except Exception as e:
            log(traceback.format_exc())
            status, content_type, payload = 400, "text/plain; charset=utf-8", f"{type(e).__name__}: {e}\n"
        if status == 400:
            log(f"400 {method} {url.path}: {payload.strip()}")
        data = payload.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    @staticmethod
    def json_body(body):
        try:
            value = json.loads(body or b"{}")
        except ValueError as e:
            raise BadRequest(f"invalid JSON: {e}") from e
        if not isinstance(value, dict):
            raise BadRequest("expected a JSON object")
        return value

    @staticmethod
    def form_body(body):
        return {
            k: v[0]
            for k, v in urllib.parse.parse_qs(body.decode(errors="replace"), keep_blank_values=True).items()
        }

    def route(self, method, path, raw_query, query, body):
        idp = self.idp
        page = "text/html; charset=utf-8"
        as_json = lambda value: (200, "application/json", json.dumps(value))  # noqa: E731
        if method == "GET" and path == "/metadata":
            return 200, "application/samlmetadata+xml", idp.metadata_xml()
        if method == "GET" and path == "/sso/redirect":
            return (
                200,
                page,
                idp.sso(BINDING_HTTP_REDIRECT, query.get("SAMLRequest"), query.get("RelayState"), raw_query),
            )
        if method == "POST" and path == "/sso/post":
            form = self.form_body(body)
            return 200, page, idp.sso(BINDING_HTTP_POST, form.get("SAMLRequest"), form.get("RelayState"))
        if method == "GET" and path == "/idp-initiated":
            if not query.get("sp"):
                raise BadRequest("?sp=<SP entity id> is required")
            return 200, page, idp.idp_initiated(query["sp"], query.get("RelayState"))
        if method == "POST" and path == "/slo":
            return 200, page, idp.slo(BINDING_HTTP_POST, self.form_body(body))
        if method == "GET" and path == "/slo":
            return 200, page, idp.slo(BINDING_HTTP_REDIRECT, query)
        if method == "POST" and path == "/admin/sp":
            return as_json(idp.register_sp(self.json_body(body)))
        if method == "POST" and path == "/admin/user":
            return as_json(idp.set_user(self.json_body(body)))
        if method == "POST" and path == "/admin/options":
            return as_json(idp.set_options(self.json_body(body)))
        if method == "POST" and path == "/admin/reset":
            return as_json(idp.reset())
        if method == "POST" and path == "/admin/logout-request":
            return 200, page, idp.logout_request(self.json_body(body))
        if method == "GET" and path == "/admin/received":
            return as_json(idp.received)
        return 404, "text/plain; charset=utf-8", f"no route for {method} {path}\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--state-dir", required=True, type=Path)
    args = parser.parse_args()
    args.state_dir.mkdir(parents=True, exist_ok=True)
    key_file, cert_file = generate_signing_key(args.state_dir)

    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    httpd.daemon_threads = True
    port = httpd.server_address[1]
    Handler.idp = IdentityProvider(f"http://127.0.0.1:{port}", key_file, cert_file)
    print(f"LISTENING {port}", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
