"""Peppol participant identifiers and their DNS names in the SML.

The DNS name follows the Peppol Policy for use of Identifiers 4.4.0, POLICY 7, and the Peppol
SML specification 1.3.0 (both in force since 2025-11-01): the participant identifier *value*
(``0208:0403019261``, not the ``iso6523-actorid-upis::`` scheme) is lower-cased, hashed with
SHA-256, encoded in Base32 without ``=`` padding, lower-cased again, and followed by the scheme
``iso6523-actorid-upis`` and the SML zone. The zone's U-NAPTR record with service ``Meta:SMP``
gives the address of the participant's SMP.

The worked examples of the two specifications (reproduced by phax/peppol-commons'
``PeppolNaptrURLProviderTest``, the reference implementation):

>>> participant_hash("0088:123abc")  # PFUOI 4.4.0, POLICY 7
'y7dzfxaf3d4cjz4kcgrxtec6twvcga4ky7zwa5boif6mswd4tdrq'
>>> participant_hash("0088:123ABC") == participant_hash("0088:123abc")  # case-insensitive
True
>>> dns_name("0010:5798000000001", TEST_ZONE)  # SML 1.3.0
'xukhfqabqziki3ykvr2fhr4snfa3pf5vpq6k4tonv3lmvsy5arvq.iso6523-actorid-upis.participant.sml.test.tech.peppol.org'
>>> dns_name("9915:test", TEST_ZONE).split(".")[0]
'eh5boavaktmbgzyh2a63dz4qov33fvp5nsdvqklucfraayoodw6a'

The SMP is asked for the participant's service group at ``{smp}/{percent-encoded id}``:

>>> smp_path("0208:0403019261")
'/iso6523-actorid-upis%3A%3A0208%3A0403019261'
"""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import quote

#: The identifier scheme of every Peppol participant identifier.
PARTICIPANT_SCHEME = "iso6523-actorid-upis"
#: The production and test SML DNS zones (SML 1.3.0; the EC's edelivery.tech.ec.europa.eu
#: zones are gone since 2025-11-01).
PRODUCTION_ZONE = "participant.sml.prod.tech.peppol.org"
TEST_ZONE = "participant.sml.test.tech.peppol.org"
#: U-NAPTR service of an SMP (SML 1.3.0).
NAPTR_SERVICE = "Meta:SMP"


def participant_hash(value: str) -> str:
    """lowercase(base32(sha256(lowercase(value)))) without padding (PFUOI POLICY 7)."""
    digest = hashlib.sha256(value.lower().encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii").rstrip("=").lower()


def dns_name(value: str, zone: str = PRODUCTION_ZONE) -> str:
    """The DNS name to ask for NAPTR records of participant ``value`` (``0208:...``)."""
    return f"{participant_hash(value)}.{PARTICIPANT_SCHEME}.{zone.strip('.')}"


def smp_path(value: str) -> str:
    """The SMP resource path of participant ``value``'s service group (SMP 1.4.0)."""
    return "/" + quote(f"{PARTICIPANT_SCHEME}::{value}", safe="")
