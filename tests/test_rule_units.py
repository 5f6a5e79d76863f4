"""Rule functions on their own: properties that a handful of examples cannot show."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from numnum_xl.mapping import aliases, normalise, propose
from numnum_xl.rules import contact, country

_EMAILISH = st.text(alphabet="ab-_.+@1xn", min_size=3, max_size=24).map(
    lambda s: s + ".be")


@settings(max_examples=3000, deadline=None)
@given(_EMAILISH)
def test_email_fast_path_never_accepts_what_email_validator_rejects(value):
    """The regex shortcut in rules.contact is only ever a subset of email-validator."""
    if contact._PLAIN_EMAIL.fullmatch(value):
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError as exc:  # pragma: no cover - the failure we guard against
            raise AssertionError(f"fast path accepted {value!r}: {exc}") from None


def test_email_fast_path_agrees_on_known_edge_cases():
    for value in ("a..b@x.be", ".a@x.be", "a@-x.be", "a@x-.be", "a@ab--cd.be",
                  "a@xn--zz.be", "a@host.local", "a@x.test", "a@1.123"):
        assert contact.check_email(value), value
    for value in ("info@bakkerij-janssen.be", "jan.de.vries+factuur@firma.co.uk"):
        assert contact.check_email(value) == (), value


def test_catalogue_names_are_unambiguous():
    """No header name means two fields (aliases() raises if one does)."""
    index = aliases()
    assert index[normalise("BTW-nummer")] == ("vat_id", "label")
    assert index[normalise("Ondernemingsnummer")][0] == "vat_id"


def test_header_recognition_from_the_issue():
    headers = ["BTW-nummer", "BTW nr", "Ondernemingsnummer", "N° TVA", "Naam", "Bedrijfsnaam",
               "Raison sociale", "Postcode", "Code postal", "Gemeente", "Woonplaats",
               "Localité", "Land", "Pays", "E-mail", "Tel.", "GSM", "Mobile"]
    expected = ["vat_id"] * 4 + ["title"] * 3 + ["address_zip"] * 2 + ["address_city"] * 3 \
        + ["address_country"] * 2 + ["email", "telephone", "cellphone", "cellphone"]
    for header, key in zip(headers, expected, strict=True):
        assert propose([header]).columns[0].key == key, header


def test_fuzzy_header_match_needs_a_close_name():
    assert propose(["Familienaaam"]).columns[0].key == "last_name"
    assert propose(["Kleur"]).columns[0].key is None
    assert propose(["Nr"]).columns[0].key is None


def test_country_lookup_in_four_languages():
    assert {country.lookup(n) for n in ("Duitsland", "Allemagne", "Germany",
                                        "Deutschland")} == {"DE"}
    assert country.lookup("Pays-Bas") == "NL"
    assert country.lookup("Zzzzland") is None
