"""The SMP lookup: which document types a participant receives (Peppol SMP 1.4.0).

``GET {smp}/iso6523-actorid-upis%3A%3A{id}`` answers a ServiceGroup whose
``ServiceMetadataReference`` hrefs end in ``/services/{document type id}``. SMPs serve https
only (SMP 1.4.0, "mandatory TLS"); plain http is accepted only for a server on this machine
(the tests' loopback SMP).

>>> doc_types_of(SAMPLE)
['busdox-docid-qns::urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1']
>>> receives_invoices(doc_types_of(SAMPLE))
True
>>> wildcard = BIS_BILLING_INVOICE.replace("::2.1", "*::2.1")
>>> receives_invoices(["peppol-doctype-wildcard::" + wildcard])
True
>>> receives_invoices(["busdox-docid-qns::urn:oasis:names:specification:ubl:schema:xsd:"
...                    "Order-2::Order##x::2.1"])
False
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from numnum_xl.online import TIMEOUT, is_loopback
from numnum_xl.peppol.ids import smp_path

#: Peppol BIS Billing 3.0 invoice, as the Peppol document type code list v9.7 writes it.
BIS_BILLING_INVOICE = ("urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##"
                       "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:"
                       "billing:3.0::2.1")
DOCTYPE_SCHEME = "busdox-docid-qns"
WILDCARD_SCHEME = "peppol-doctype-wildcard"

OK, UNKNOWN, FAILED = "ok", "unknown", "failed"

SAMPLE = (
    '<smp:ServiceGroup xmlns:smp="http://busdox.org/serviceMetadata/publishing/1.0/" '
    'xmlns:id="http://busdox.org/transport/identifiers/1.0/">'
    '<id:ParticipantIdentifier scheme="iso6523-actorid-upis">0208:0403019261'
    '</id:ParticipantIdentifier><smp:ServiceMetadataReferenceCollection>'
    '<smp:ServiceMetadataReference href="https://smp.example/iso6523-actorid-upis%3A%3A0208%3A'
    '0403019261/services/busdox-docid-qns%3A%3Aurn%3Aoasis%3Anames%3Aspecification%3Aubl%3A'
    'schema%3Axsd%3AInvoice-2%3A%3AInvoice%23%23urn%3Acen.eu%3Aen16931%3A2017%23compliant%23'
    'urn%3Afdc%3Apeppol.eu%3A2017%3Apoacc%3Abilling%3A3.0%3A%3A2.1"/>'
    '</smp:ServiceMetadataReferenceCollection></smp:ServiceGroup>')


@dataclass(frozen=True)
class SmpAnswer:
    """What an SMP said about one participant."""

    kind: str
    doc_types: list[str] = field(default_factory=list)
    reason: str | None = None
    detail: str = ""
    status: int | None = None


def doc_types_of(xml: bytes | str) -> list[str]:
    """The document type ids a ServiceGroup document refers to (raises ValueError when it
    is not XML)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(xml)
    except ParseError as exc:
        raise ValueError(str(exc)) from None
    out = []
    for el in root.iter():
        if el.tag.rpartition("}")[2] == "ServiceMetadataReference":
            href = unquote(el.get("href") or "")
            _, sep, doc = href.partition("/services/")
            if sep and doc:
                out.append(doc)
    return out


def receives_invoices(doc_types: list[str]) -> bool:
    """Whether the document types include Peppol BIS Billing 3.0 invoices (exactly, or by a
    PFUOI 4.x wildcard registration of its customization)."""
    wildcard = BIS_BILLING_INVOICE.replace("::2.1", "*::2.1")
    for d in doc_types:
        scheme, _, value = d.partition("::")
        scheme = scheme.lower()
        if scheme == DOCTYPE_SCHEME and value == BIS_BILLING_INVOICE:
            return True
        if scheme == WILDCARD_SCHEME and value in (BIS_BILLING_INVOICE, wildcard):
            return True
    return False


def allowed(url: str) -> bool:
    """https, or http to this machine only."""
    parts = urlsplit(url)
    return parts.scheme == "https" or (parts.scheme == "http" and is_loopback(url))


def fetch(http, smp_url: str, value: str) -> SmpAnswer:
    """Ask the SMP at ``smp_url`` for participant ``value``'s document types."""
    import requests

    from numnum_xl.online import TooLarge, failure_code, read_body

    if not allowed(smp_url):
        return SmpAnswer(FAILED, reason="online.reason.not_https", detail=smp_url)
    url = smp_url.rstrip("/") + smp_path(value)
    try:
        resp = http.get(url, timeout=TIMEOUT, allow_redirects=False, stream=True)
        if resp.status_code == 404:
            resp.close()
            return SmpAnswer(UNKNOWN, status=404)
        if resp.status_code != 200:
            resp.close()
            return SmpAnswer(FAILED, reason="online.reason.http_status",
                             status=resp.status_code)
        body = read_body(resp)
    except TooLarge:
        return SmpAnswer(FAILED, reason="online.reason.bad_response")
    except requests.RequestException as exc:
        code, detail = failure_code(exc)
        return SmpAnswer(FAILED, reason=code, detail=detail)
    if not body.strip():
        return SmpAnswer(FAILED, reason="online.reason.empty")
    try:
        return SmpAnswer(OK, doc_types_of(body))
    except ValueError:
        return SmpAnswer(FAILED, reason="online.reason.bad_response")
