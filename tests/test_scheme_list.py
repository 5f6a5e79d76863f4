"""The Peppol participant identifier scheme list in the catalogue (code lists v9.7)."""

from __future__ import annotations

import importlib

from numnum_xl.catalogue import SCHEME_BY_CODE, SCHEMES, SCHEMES_VERSION
from numnum_xl.rules.scheme import check_receiving, check_scheme
from numnum_xl.table import Table
from numnum_xl.validate import validate_table


def test_list_is_the_code_list():
    assert SCHEMES_VERSION == "9.7"
    assert len(SCHEMES) == len(SCHEME_BY_CODE) == 105  # entry-count of v9.7
    assert all(len(s.code) == 4 and s.code.isdigit() for s in SCHEMES)
    assert {s.state for s in SCHEMES} == {"active", "deprecated", "removed"}
    for s in SCHEMES:
        if s.replacement:
            assert SCHEME_BY_CODE[s.replacement].state == "active", s.code
        if s.stdnum:
            importlib.import_module(f"stdnum.{s.stdnum}")
    # the facts issue 14 relies on
    assert SCHEME_BY_CODE["0037"].state == "removed"
    assert SCHEME_BY_CODE["0037"].replacement == "0216"
    assert SCHEME_BY_CODE["0216"].eas == "FI:OVT2"
    assert (SCHEME_BY_CODE["9906"].replacement, SCHEME_BY_CODE["9907"].replacement) == \
        ("0211", "0210")
    assert SCHEME_BY_CODE["0193"].removal == "2026-07-07"
    assert SCHEME_BY_CODE["0213"].state == SCHEME_BY_CODE["9955"].state == "removed"


def test_severity_follows_the_removal_date():
    before = check_scheme("0193", True, today="2026-07-06")[0]
    after = check_scheme("0193", True, today="2026-07-07")[0]
    assert (before.severity, before.code) == ("warning", "scheme.deprecated")
    assert (after.severity, after.code, after.suggestion) == ("error", "scheme.removed", "0208")
    no_date = check_scheme("9909", True, today="2030-01-01")[0]  # deprecated, no removal date
    assert (no_date.severity, no_date.suggestion) == ("warning", None)
    assert check_scheme("0193", False, today="2030-01-01") == ()  # ICD column: not the EAS list


def test_9925_only_suggests_0208_with_the_enterprise_number():
    issue = check_receiving("9925", "BE0403.019.261")[0]
    assert (issue.code, issue.suggestion, issue.params["number"]) == \
        ("scheme.be_9925_only", "0208", "0403019261")
    assert check_receiving("9925", "BE0403019262") == ()  # invalid: reported elsewhere


def test_validation_messages_in_three_languages():
    t = Table("x.csv", "", "csv", 1, 1, ["title", "last_name", "peppol_scheme_id",
                                          "peppol_endpoint_id"],
              [["A", "A", "9906", "01234567897"], ["B", "B", "9925", "BE0403019261"]], [2, 3])
    found = {f.code: f for f in validate_table(t).findings}
    removed = found["scheme.removed"]
    assert removed.cell == "C2" and removed.suggestion == "0211"
    assert "geschrapt" in removed.message("nl") and "0211" in removed.message("nl")
    assert "supprimé" in removed.message("fr") and "removed" in removed.message("en")
    only = found["scheme.be_9925_only"]
    assert only.cell == "C3" and "0403019261" in only.message("en")
