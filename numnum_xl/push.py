"""Push a validated customer sheet into NumNum: plan, journal, send, write the results back.

The steps, each usable on its own (the ``push`` command strings them together):

1. :func:`prepare` validates nothing itself: it takes a :class:`~numnum_xl.validate.Report`,
   fetches NumNum's contacts once (paged), matches the rows with
   :func:`numnum_xl.duplicates.match_existing` and returns a :class:`Plan`: per data row what
   will happen (create, overwrite, skip as duplicate, skip because of errors), and which
   contacts a delete option removes first. Rows with validation errors are never sent.
2. :func:`execute` carries the plan out: it saves every contact it will delete to a backup
   workbook *before* deleting anything, deletes, then sends the rows with a few threads, and
   records each row's result in the :class:`Journal` (``NAME.numnum-journal.jsonl`` beside the
   workbook, one JSON line per event, handed to the OS as soon as the row is done and fsynced
   every 50 ms).
3. :func:`write_back` writes ``NAME.numnum-import.xlsx``: the workbook with the validation
   marks (as ``validate`` makes them) and a sheet ``NumNum-import`` listing every data row with
   its status, NumNum id and message. It is rebuilt from the results each time, so a run that
   was killed leaves a journal from which the next run rebuilds it.

**Resuming.** A run that did not finish (killed, network gone, rows that could not be sent)
is continued by the next push of the same sheet to the same place with the same options: rows
the journal records as done are not sent again, and the others are sent with the *same*
``import_batch`` and therefore the same Idempotency-Keys (see
:func:`numnum_xl.client.idempotency_key`), so a create whose answer was lost is answered with
the contact NumNum made the first time instead of a second one.

>>> counts = Summary.count([RowResult(2, "created"), RowResult(3, "skipped_errors")])
>>> counts["created"], counts["skipped_errors"], counts["total"]
(1, 1, 2)
>>> journal_path("/data/klanten.xlsx").name
'klanten.numnum-journal.jsonl'
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from numnum_xl.client import (
    CONTACT_COLUMNS,
    Account,
    ApiError,
    AuthError,
    ImportOptions,
    NumNumClient,
    PayloadError,
    build_payload,
    idempotency_key,
    new_batch_id,
    row_fingerprint,
    update_payload,
    workbook_identity,
)
from numnum_xl.tempfiles import temp_path

if TYPE_CHECKING:  # pragma: no cover
    from numnum_xl.validate import Report

#: Row statuses. The first three mean the row is done: a resumed run never sends it again.
CREATED = "created"
OVERWRITTEN = "overwritten"
SKIPPED_DUPLICATE = "skipped_duplicate"
SKIPPED_ERRORS = "skipped_errors"
FAILED = "failed"
NOT_SENT = "not_sent"
STATUSES = (CREATED, OVERWRITTEN, SKIPPED_DUPLICATE, SKIPPED_ERRORS, FAILED, NOT_SENT)
DONE = frozenset({CREATED, OVERWRITTEN, SKIPPED_DUPLICATE})

#: Plan actions.
CREATE, OVERWRITE, SKIP_DUPLICATE, SKIP_ERRORS, ALREADY_DONE = (
    "create", "overwrite", "skip_duplicate", "skip_errors", "done")

RESULT_SHEET = "NumNum-import"
DEFAULT_THREADS = 4
MAX_THREADS = 16
JOURNAL_VERSION = 1

_T: dict[str, dict[str, str]] = {
    "nl": {
        CREATED: "aangemaakt", OVERWRITTEN: "overschreven",
        SKIPPED_DUPLICATE: "overgeslagen (duplicaat)", SKIPPED_ERRORS: "overgeslagen (fouten)",
        FAILED: "mislukt", NOT_SENT: "niet verstuurd",
        "row": "Rij", "status": "Status", "id": "NumNum-id", "message": "Melding",
        "dup": "bestaat al in NumNum ({id}, {reason})",
        "dup_probable": "bestaat waarschijnlijk al in NumNum ({id}, {reason})",
        "dup_taken": "bestaat al in NumNum ({id}); rij {other} overschrijft die klant al",
        "overwrite": "{id} overschreven ({reason})",
        "overwrite_probable": "{id} overschreven ({reason}: controleer)",
        "sent_probable": "mogelijk al in NumNum ({id}, {reason}); toch nieuw aangemaakt "
                         "(--waarschijnlijk versturen)",
        "replayed": "was al aangemaakt bij een eerdere poging (geen tweede klant)",
        "in_batch": "al aangemaakt door deze import bij een eerdere poging",
        "changed": "rij gewijzigd nadat ze verstuurd was; de wijziging is niet verstuurd",
        "stopped": "niet verstuurd: de import is onderbroken",
        "auth_stop": "niet verstuurd: NumNum weigert het token",
        "more_errors": "en nog {n} fout(en)",
        "external_id": "zelfde Extern ID", "vat_id": "zelfde BTW-nummer",
        "email": "zelfde e-mailadres", "name": "gelijkaardige naam op dezelfde plaats",
    },
    "fr": {
        CREATED: "créé", OVERWRITTEN: "écrasé", SKIPPED_DUPLICATE: "ignoré (doublon)",
        SKIPPED_ERRORS: "ignoré (erreurs)", FAILED: "échec", NOT_SENT: "non envoyé",
        "row": "Ligne", "status": "Statut", "id": "ID NumNum", "message": "Message",
        "dup": "existe déjà dans NumNum ({id}, {reason})",
        "dup_probable": "existe probablement déjà dans NumNum ({id}, {reason})",
        "dup_taken": "existe déjà dans NumNum ({id}) ; la ligne {other} écrase déjà ce client",
        "overwrite": "{id} écrasé ({reason})",
        "overwrite_probable": "{id} écrasé ({reason} : à vérifier)",
        "sent_probable": "existe peut-être dans NumNum ({id}, {reason}) ; créé quand même "
                         "(--waarschijnlijk versturen)",
        "replayed": "déjà créé lors d'une tentative précédente (pas de second client)",
        "in_batch": "déjà créé par cet import lors d'une tentative précédente",
        "changed": "ligne modifiée après son envoi ; la modification n'a pas été envoyée",
        "stopped": "non envoyé : l'import a été interrompu",
        "auth_stop": "non envoyé : NumNum refuse le jeton",
        "more_errors": "et encore {n} erreur(s)",
        "external_id": "même ID externe", "vat_id": "même numéro de TVA",
        "email": "même adresse e-mail", "name": "nom semblable au même endroit",
    },
    "en": {
        CREATED: "created", OVERWRITTEN: "overwritten", SKIPPED_DUPLICATE: "skipped (duplicate)",
        SKIPPED_ERRORS: "skipped (errors)", FAILED: "failed", NOT_SENT: "not sent",
        "row": "Row", "status": "Status", "id": "NumNum id", "message": "Message",
        "dup": "already in NumNum ({id}, {reason})",
        "dup_probable": "probably already in NumNum ({id}, {reason})",
        "dup_taken": "already in NumNum ({id}); row {other} already overwrites that contact",
        "overwrite": "{id} overwritten ({reason})",
        "overwrite_probable": "{id} overwritten ({reason}: check it)",
        "sent_probable": "possibly in NumNum ({id}, {reason}); created anyway "
                         "(--waarschijnlijk versturen)",
        "replayed": "already created by an earlier attempt (no second contact)",
        "in_batch": "already created by this import in an earlier attempt",
        "changed": "row changed after it was sent; the change was not sent",
        "stopped": "not sent: the import was interrupted",
        "auth_stop": "not sent: NumNum refuses the token",
        "more_errors": "and {n} more error(s)",
        "external_id": "same external ID", "vat_id": "same VAT number",
        "email": "same email address", "name": "similar name at the same place",
    },
}


def text(lang: str) -> dict[str, str]:
    """The push texts in ``lang`` (Dutch when unknown)."""
    return _T.get(lang, _T["nl"])


class PushError(Exception):
    """The push cannot go on as asked; one sentence for the user (the CLI exits 2)."""


# --- results ---------------------------------------------------------------------------------

@dataclass
class RowResult:
    """What happened to one data row (``row``: the real sheet row)."""

    row: int
    status: str
    contact_id: str | None = None
    message: str = ""
    #: why it failed or was skipped: a client error kind, "payload", "validation", "duplicate"
    reason: str | None = None
    fingerprint: str = ""
    #: the safe fixes applied to this row's cells before it was sent (:class:`fix.Change`)
    changes: list[Any] = field(default_factory=list, compare=False)

    def as_record(self, batch: str) -> dict[str, Any]:
        """The journal line for this result."""
        return {"t": "row", "batch": batch, "row": self.row, "status": self.status,
                "id": self.contact_id, "message": self.message, "reason": self.reason,
                "fp": self.fingerprint}


@dataclass
class Summary:
    """Counts per status (they add up to ``total``, the number of data rows)."""

    counts: dict[str, int]
    deleted: int = 0
    backup: Path | None = None
    #: why the run stopped early: "auth", "transport", "interrupted" (``None``: it did not)
    stopped: str | None = None
    #: failed rows that a later run may still send (network, server trouble)
    retryable: int = 0

    @staticmethod
    def count(results: Iterable[RowResult]) -> dict[str, int]:
        """``{status: n, ..., "total": n}`` with every status present."""
        c = Counter(r.status for r in results)
        out = {s: c.get(s, 0) for s in STATUSES}
        out["total"] = sum(c.values())
        return out

    @property
    def complete(self) -> bool:
        """Whether nothing is left that a later run could still send."""
        return not self.counts.get(NOT_SENT) and not self.retryable and self.stopped is None


# --- the journal -----------------------------------------------------------------------------

class JournalBusy(OSError):
    """Another process is pushing the same workbook right now."""


def journal_path(workbook: str | os.PathLike[str]) -> Path:
    """``NAME.numnum-journal.jsonl`` beside the workbook (the real one: a push through a
    symlink in another folder uses the same journal)."""
    p = Path(os.path.realpath(os.fspath(workbook)))
    return p.with_name(f"{p.stem}.numnum-journal.jsonl")


class Journal:
    """An append-only JSON-lines log, safe to write from several threads.

    Each :meth:`append` writes one whole line with a single ``write`` under a lock: once the
    call returns the operating system has the line, so a process that is killed (SIGKILL, a
    crash) loses nothing it appended. Reaching the disk itself (``fsync``, against a power cut
    or an OS crash) is done per ``sync_interval``: ``0`` fsyncs every line before
    :meth:`append` returns (threads appending at once share one fsync), a positive value
    fsyncs at most that often (default 0.05 s; a run's last lines are fsynced on
    :meth:`close`), ``None`` only on close. Losing the last lines to a power cut is harmless:
    their rows are sent again with the same Idempotency-Key and NumNum answers with the
    contacts it already made. A line cut short by a crash is skipped when reading, and a
    newline is added before the next line so it cannot spoil it.
    """

    def __init__(self, path: str | os.PathLike[str], *,
                 sync_interval: float | None = 0.05) -> None:
        self.path = Path(path)
        self.sync_interval = sync_interval
        self._fd: int | None = None
        self._lock = threading.Lock()
        self._sync_lock = threading.Lock()
        self._written = 0
        self._synced = 0
        self._last_sync = time.monotonic()

    def open(self) -> Journal:
        """Open for appending (created with mode 0600 if missing) and take an exclusive lock
        (``fcntl`` on POSIX, ``msvcrt`` on Windows): a second push of the same workbook at the
        same time gets :class:`JournalBusy`. The lock dies with the process, also on
        SIGKILL."""
        if self._fd is None:
            from numnum_xl.pushlock import Busy, lock_fd

            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                lock_fd(fd)
            except Busy:
                os.close(fd)
                raise JournalBusy(f"{self.path} is in use by another push") from None
            size = os.fstat(fd).st_size
            if size:
                os.lseek(fd, size - 1, os.SEEK_SET)
                if os.read(fd, 1) != b"\n":
                    os.write(fd, b"\n")
            self._fd = fd
        return self

    def append(self, record: Mapping[str, Any]) -> None:
        """Write one record as one line (then fsync, per ``sync_interval``)."""
        if self._fd is None:
            self.open()
        assert self._fd is not None
        line = (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8")
        with self._lock:
            os.write(self._fd, line)
            self._written += 1
            mine = self._written
        interval = self.sync_interval
        if interval is None:
            return
        if interval <= 0:  # every line on disk before returning; concurrent appends share
            with self._sync_lock:
                if self._synced < mine:
                    self._fsync()
        elif time.monotonic() - self._last_sync >= interval \
                and self._sync_lock.acquire(blocking=False):
            try:
                self._fsync()
            finally:
                self._sync_lock.release()

    def _fsync(self) -> None:
        upto = self._written
        assert self._fd is not None
        os.fsync(self._fd)
        self._synced = upto
        self._last_sync = time.monotonic()

    def close(self) -> None:
        """Flush to disk and close."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def __enter__(self) -> Journal:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def read(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
        """Every complete record of the journal at ``path`` (none if it does not exist)."""
        try:
            raw = Path(path).read_bytes()
        except FileNotFoundError:
            return []
        records = []
        for line in raw.split(b"\n"):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a line cut short by a crash
            if isinstance(record, dict):
                records.append(record)
        return records


@dataclass
class RunState:
    """One run (one ``import_batch``) as its journal lines tell it."""

    header: dict[str, Any]
    #: sheet row -> the latest result record of that row
    rows: dict[int, dict[str, Any]] = field(default_factory=dict)
    delete_plan: list[str] | None = None
    backup: str | None = None
    deleted: set[str] = field(default_factory=set)
    deletes_done: bool = False
    ended: dict[str, Any] | None = None
    abandoned: bool = False

    @property
    def batch(self) -> str:
        """The run's ``import_batch``."""
        return str(self.header["batch"])

    @property
    def finished(self) -> bool:
        """Whether the run ended with nothing left to send (or was abandoned)."""
        return self.abandoned or bool(self.ended and self.ended.get("complete"))


def runs(records: Iterable[Mapping[str, Any]]) -> list[RunState]:
    """The runs in a journal, oldest first."""
    by_batch: dict[str, RunState] = {}
    order: list[RunState] = []
    for r in records:
        kind, batch = r.get("t"), r.get("batch")
        if kind == "run" and batch:
            state = RunState(dict(r))
            by_batch[str(batch)] = state
            order.append(state)
            continue
        state = by_batch.get(str(batch))
        if state is None:
            continue
        if kind == "row" and isinstance(r.get("row"), int):
            state.rows[r["row"]] = dict(r)
        elif kind == "delete_plan":
            state.delete_plan = [str(i) for i in r.get("ids") or []]
            state.backup = r.get("backup")
        elif kind == "deleted" and r.get("id"):
            state.deleted.add(str(r["id"]))
        elif kind == "deletes_done":
            state.deletes_done = True
        elif kind == "end":
            state.ended = dict(r)
        elif kind == "abandon":
            state.abandoned = True
    return order


def unfinished_run(records: Iterable[Mapping[str, Any]], workbook: str, sheet: str,
                   destination: str) -> RunState | None:
    """The last run of this workbook and sheet to this destination, if it did not finish."""
    for state in reversed(runs(records)):
        h = state.header
        if (h.get("workbook"), h.get("sheet"), h.get("destination")) == (
                workbook, sheet, destination):
            return None if state.finished else state
    return None


# --- the plan --------------------------------------------------------------------------------

#: ``--waarschijnlijk``: what happens to a row that *probably* exists in NumNum already (on an
#: email address or a name, see :mod:`numnum_xl.duplicates`): ``overslaan`` (the default:
#: not sent, listed in the plan for a check) or ``versturen`` (sent: created, or overwritten
#: with ``--duplicaten overschrijven``). Certain matches follow ``--duplicaten`` alone.
PROBABLE_CHOICES: dict[str, tuple[str, ...]] = {
    "overslaan": ("overslaan", "skip", "ignorer"),
    "versturen": ("versturen", "send", "envoyer"),
}


@dataclass
class RowPlan:
    """What will happen to one data row."""

    index: int  #: 0-based data row
    row: int  #: real sheet row
    action: str
    fingerprint: str
    payload: dict[str, Any] | None = None
    key: str | None = None
    contact_id: str | None = None
    message: str = ""
    reason: str | None = None
    #: the earlier result, for a row done by the interrupted run this one resumes
    prior: dict[str, Any] | None = None
    #: the duplicate match's confidence ("certain" or "probable"), if the row matched
    confidence: str | None = None
    #: the safe fixes applied to this row's cells (what is sent differs from the sheet)
    changes: list[Any] = field(default_factory=list)


@dataclass
class Plan:
    """Everything :func:`execute` needs, and what the user is shown first."""

    account: Account
    options: ImportOptions
    batch: str
    workbook: str
    sheet: str
    source: Path
    rows: list[RowPlan]
    #: contacts that will be deleted first (full records, for the backup)
    deletes: list[dict[str, Any]]
    existing: int
    resumed: RunState | None = None
    lang: str = "nl"
    header: dict[str, Any] = field(default_factory=dict)
    #: ``--waarschijnlijk``: see :data:`PROBABLE_CHOICES`
    probable: str = "overslaan"
    #: the validation whose verdict the plan follows (after the safe fixes, unless as written)
    report: Report | None = None
    #: the safe fixes applied to what is sent (:class:`numnum_xl.fix.Change`)
    changes: list[Any] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Per action, plus ``deleted`` and ``rows``."""
        c = Counter(r.action for r in self.rows)
        out = {a: c.get(a, 0) for a in (CREATE, OVERWRITE, SKIP_DUPLICATE, SKIP_ERRORS,
                                        ALREADY_DONE)}
        out["deleted"] = len(self.deletes)
        out["rows"] = len(self.rows)
        return out

    @property
    def to_send(self) -> list[RowPlan]:
        """The rows that need a request."""
        return [r for r in self.rows if r.action in (CREATE, OVERWRITE)]


def _row_errors(report: Report, lang: str) -> dict[int, str]:
    """Sheet row -> the error messages of that row (the first three)."""
    return report.row_reasons(lang, 3, text(lang)["more_errors"])


def _resume_lookup(state: RunState | None, fingerprints: list[tuple[int, str]]
                   ) -> dict[int, tuple[dict[str, Any], bool]]:
    """Rows the interrupted run already did: sheet row -> (its result, changed since?).

    A row is done when a row with the same content was done, wherever it is now (rows may have
    been inserted or sorted since). A row whose content the journal does not know at all, at a
    row number that was done with content that is no longer anywhere in the sheet, is that same
    row edited after it was sent: it is not sent again.
    """
    if state is None:
        return {}
    known = {str(r.get("fp")) for r in state.rows.values()}
    done = [r for r in state.rows.values() if r.get("status") in DONE]
    by_fp: dict[str, list[dict[str, Any]]] = {}
    for r in done:
        by_fp.setdefault(str(r.get("fp")), []).append(r)
    present = Counter(fp for _, fp in fingerprints)
    out: dict[int, tuple[dict[str, Any], bool]] = {}
    for row, fp in fingerprints:  # the same content, preferring the same row number
        candidates = by_fp.get(fp)
        if not candidates:
            continue
        pick = next((c for c in candidates if c.get("row") == row), candidates[0])
        candidates.remove(pick)
        out[row] = (pick, False)
    leftover = {r["row"]: r for rs in by_fp.values() for r in rs}
    for row, fp in fingerprints:
        if row in out or row not in leftover or fp in known:
            continue
        r = leftover[row]
        if present.get(str(r.get("fp")), 0) == 0:
            out[row] = (r, True)
    return out


def prepare(report: Report, client: NumNumClient, account: Account, options: ImportOptions,
            *, source: str | os.PathLike[str], lang: str = "nl", restart: bool = False,
            journal: str | os.PathLike[str] | None = None, probable: str = "overslaan",
            changes: Iterable[Any] | None = None, as_written: bool = False) -> Plan:
    """Fetch NumNum's contacts once and decide, per row, what to do. A row that certainly
    exists already follows ``options.duplicates``; one that probably does follows
    ``probable`` (:data:`PROBABLE_CHOICES`).

    The verdict per row is validation's: a row with an error finding is skipped (the reasons
    are its findings), every other row is sent - with the safe fixes of ``validate --fix``
    applied (:func:`numnum_xl.fix.fixed_report`; ``plan.report`` is the validation of the
    fixed sheet and ``plan.changes`` the fixes, also attached to their rows). ``as_written``
    sends the cells as they are. A caller that already fixed the sheet passes the fixed report
    and its ``changes``.

    Raises :class:`~numnum_xl.client.AuthError` when the token is refused (nothing else has
    been sent then) and :class:`PushError` when an unfinished run of this sheet used other
    options.
    """
    from numnum_xl.duplicates import match_existing, record_from_contact, record_from_values

    if changes is None:
        from numnum_xl.fix import fixed_report

        report, changes = (report, []) if as_written else fixed_report(report)
    changes = list(changes)
    t = text(lang)
    src = Path(source)
    workbook = workbook_identity(src)
    sheet = report.table.sheet or ""
    records = Journal.read(journal or journal_path(src))
    state = None if restart else unfinished_run(records, workbook, sheet, account.destination)
    if state is not None:
        before = ImportOptions.from_dict(state.header.get("options") or {})
        was = str(state.header.get("waarschijnlijk", probable))
        if before != options or was != probable:
            extra = f"--waarschijnlijk {was} (nu {probable})" if was != probable else ""
            raise PushError(_options_conflict(state, before, options, extra))
    batch = state.batch if state else new_batch_id()

    contacts = client.list_contacts()  # the first request: a wrong token stops here
    by_id = {str(c.get("id")): c for c in contacts}

    # what a delete option removes first
    deletes: list[dict[str, Any]] = []
    if state is not None and state.deletes_done:
        deletes = []
    elif state is not None and state.delete_plan is not None:
        deletes = [by_id[i] for i in state.delete_plan if i in by_id]
    elif options.delete == "alles":
        deletes = list(contacts)
    elif options.delete == "eerder":
        deletes = [c for c in contacts if c.get("import_batch") is not None]
    gone = {str(c.get("id")) for c in deletes}
    # contacts this import itself made (a resumed run) are not duplicates of its own rows:
    # a create whose answer was lost is answered again through its Idempotency-Key, or found
    # by its external ID below
    remaining = [c for c in contacts if str(c.get("id")) not in gone
                 and c.get("import_batch") != batch]
    ours = {str(c["external_id"]): c for c in contacts
            if state is not None and c.get("import_batch") == batch and c.get("external_id")}

    errors = _row_errors(report, lang)
    rows_with_errors = report.rows_with_errors()
    numbers = report.table.row_numbers
    fingerprints = [(numbers[i], row_fingerprint(v)) for i, v in enumerate(report.values)]
    resumed = _resume_lookup(state, fingerprints)

    by_row: dict[int, list[Any]] = {}
    data_rows = set(numbers)
    for ch in changes:
        if ch.row in data_rows:
            by_row.setdefault(ch.row, []).append(ch)
    plans: list[RowPlan] = []
    candidates: list[int] = []
    for i, values in enumerate(report.values):
        row, fp = fingerprints[i]
        if row in resumed:
            prior, changed = resumed[row]
            plans.append(RowPlan(i, row, ALREADY_DONE, fp, contact_id=prior.get("id"),
                                 message=t["changed"] if changed else str(prior.get("message")
                                                                          or ""),
                                 prior=prior))
            continue
        if row in rows_with_errors:
            plans.append(RowPlan(i, row, SKIP_ERRORS, fp, message=errors.get(row, ""),
                                 reason="validation"))
            continue
        mine = ours.get(str(values.get("external_id") or "").strip())
        if mine is not None:  # created by this import, its answer lost (or the row edited)
            plans.append(RowPlan(i, row, ALREADY_DONE, fp, contact_id=str(mine["id"]),
                                 message=t["in_batch"], reason="in_batch",
                                 prior={"status": CREATED, "id": str(mine["id"])}))
            continue
        try:
            payload = build_payload(values, options, import_batch=batch)
        except PayloadError as exc:
            plans.append(RowPlan(i, row, SKIP_ERRORS, fp, message=exc.message(lang),
                                 reason="payload"))
            continue
        key = idempotency_key(workbook, sheet, row, fp, batch)
        plans.append(RowPlan(i, row, CREATE, fp, payload=payload, key=key))
        candidates.append(len(plans) - 1)

    if options.duplicates != "nieuw" and candidates and remaining:
        records_in = [record_from_values(plans[p].row, report.values[plans[p].index])
                      for p in candidates]
        existing = [record_from_contact(c) for c in remaining]
        matches = match_existing(records_in, existing)
        remaining_by_id = {str(c.get("id")): c for c in remaining}
        taken: dict[str, int] = {}
        for p in candidates:
            plan = plans[p]
            m = matches.get(plan.row)
            if m is None:
                continue
            target = str(m.ref)
            reason = t.get(m.reason, m.reason)
            unsure = m.confidence != "certain"
            plan.confidence = m.confidence
            if unsure and probable == "versturen" and options.duplicates == "overslaan":
                plan.message = t["sent_probable"].format(id=target, reason=reason)
                continue  # created as a new contact, as asked
            plan.contact_id, plan.key = target, None
            if options.duplicates == "overslaan" or (unsure and probable == "overslaan"):
                plan.action, plan.payload, plan.reason = SKIP_DUPLICATE, None, "duplicate"
                plan.message = (t["dup_probable"] if unsure else t["dup"]).format(
                    id=target, reason=reason)
            elif target in taken:
                plan.action, plan.payload, plan.reason = SKIP_DUPLICATE, None, "duplicate"
                plan.message = t["dup_taken"].format(id=target, other=taken[target])
            else:
                taken[target] = plan.row
                values = report.values[plan.index]
                plan.action = OVERWRITE
                plan.payload = update_payload(values, remaining_by_id.get(target, {}), options)
                plan.message = (t["overwrite_probable"] if unsure else t["overwrite"]).format(
                    id=target, reason=reason)

    for plan in plans:
        plan.changes = list(by_row.get(plan.row, ()))
    header = {"t": "run", "v": JOURNAL_VERSION, "batch": batch, "workbook": workbook,
              "file": src.name, "sheet": sheet, "destination": account.destination,
              "api_url": account.base_url, "options": options.as_dict(),
              "waarschijnlijk": probable,
              "rows": len(plans), "started": datetime.now().astimezone().isoformat()}
    return Plan(account, options, batch, workbook, sheet, src, plans, deletes, len(contacts),
                state, lang, header, probable, report, changes)



def _options_conflict(state: RunState, before: ImportOptions, now: ImportOptions,
                      extra: str = "") -> str:
    when = str(state.header.get("started", ""))[:16].replace("T", " ")
    b, n = before.as_dict(), now.as_dict()
    diff = ", ".join([f"--{k} {b[k]} (nu {n[k]})" for k in b if b[k] != n[k]]
                     + ([extra] if extra else []))
    return (f"Er is een onderbroken import van dit blad naar deze bestemming (gestart {when}) "
            f"met andere opties: {diff}. Geef dezelfde opties om ze af te maken (alleen wat "
            f"overblijft wordt verstuurd), of begin een nieuwe import met --nieuwe-import.")


# --- carrying it out -------------------------------------------------------------------------

class Progress:
    """A one-line progress bar on ``stream`` (stderr); silent when it is not a terminal."""

    def __init__(self, total: int, label: str = "rijen verstuurd", *,
                 stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(isatty and isatty()) if enabled is None else enabled
        self.total = total
        self.label = label
        self.done = 0
        self._start = time.monotonic()
        self._last = 0.0
        self._lock = threading.Lock()

    def advance(self, n: int = 1) -> None:
        """Count ``n`` more rows; redraw at most ten times a second."""
        with self._lock:
            self.done += n
            now = time.monotonic()
            if self.enabled and (now - self._last >= 0.1 or self.done >= self.total):
                self._last = now
                self._draw(now)

    def _draw(self, now: float) -> None:
        width = 30
        share = self.done / self.total if self.total else 1.0
        filled = int(width * share)
        rate = self.done / max(now - self._start, 1e-6)
        bar = "█" * filled + "░" * (width - filled)
        self.stream.write(f"\r  {bar} {self.done}/{self.total} {self.label} · {rate:.0f}/s ")
        self.stream.flush()

    def close(self) -> None:
        """End the line."""
        if self.enabled and self.total:
            with self._lock:
                self._draw(time.monotonic())
                self.stream.write("\n")
                self.stream.flush()


@dataclass
class Outcome:
    """What :func:`execute` did."""

    results: list[RowResult]
    summary: Summary
    plan: Plan


def write_backup(contacts: list[Mapping[str, Any]], path: str | os.PathLike[str]) -> Path:
    """Save ``contacts`` (every field) to an .xlsx at ``path``, atomically and fsynced.

    Contact persons are written as JSON text; fields the contract does not list are kept too.
    """
    from openpyxl import Workbook

    out = Path(path)
    columns = list(CONTACT_COLUMNS)
    for c in contacts:
        columns.extend(k for k in c if k not in columns)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Verwijderd")
    ws.append(columns)
    for c in contacts:
        row = []
        for k in columns:
            v = c.get(k)
            if isinstance(v, (list, dict)):
                v = json.dumps(v, ensure_ascii=False)
            elif isinstance(v, str) and v.startswith("="):
                v = "'" + v  # never a formula
            row.append(v)
        ws.append(row)
    tmp = temp_path(out)
    try:
        wb.save(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def backup_path_for(source: str | os.PathLike[str], when: datetime | None = None) -> Path:
    """A free name ``NAME.numnum-verwijderd-YYYYmmdd-HHMMSS.xlsx`` beside ``source``."""
    p = Path(source)
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = p.with_name(f"{p.stem}.numnum-verwijderd-{stamp}.xlsx")
    n = 2
    while candidate.exists():
        candidate = p.with_name(f"{p.stem}.numnum-verwijderd-{stamp}-{n}.xlsx")
        n += 1
    return candidate


class _Stop:
    """Shared between the sending threads: when to stop sending, and why."""

    def __init__(self, limit: int) -> None:
        self.reason: str | None = None
        self._lock = threading.Lock()
        self._streak = 0
        self._limit = limit

    def set(self, reason: str) -> None:
        with self._lock:
            if self.reason is None:
                self.reason = reason

    def outcome(self, failed_retryable: bool) -> None:
        """Count consecutive failures that a later run may fix; too many: stop sending."""
        with self._lock:
            self._streak = self._streak + 1 if failed_retryable else 0
            if self._streak >= self._limit and self.reason is None:
                self.reason = "transport"


def execute(plan: Plan, client: NumNumClient, *, threads: int = DEFAULT_THREADS,
            journal: Journal | None = None, progress: Progress | None = None,
            on_deleted: Callable[[int], None] | None = None) -> Outcome:
    """Carry out ``plan``: backup, deletes, then the rows, journaling every result.

    The caller has confirmed the deletes. Every data row gets exactly one result; a row whose
    request failed for a reason a later run may fix (network, server trouble) is ``failed``
    with ``reason`` transport/server/rate_limited, a row never tried (the run was stopped) is
    ``not_sent``. A refused token stops everything at once.
    """
    from numnum_xl.pushlock import Busy, WorkbookLock
    from numnum_xl.tempfiles import clean_stale

    t = text(plan.lang)
    threads = max(1, min(MAX_THREADS, threads))
    workbook_lock = WorkbookLock(plan.source)
    try:
        workbook_lock.acquire()
    except Busy:
        raise JournalBusy(f"{plan.source} is being pushed by another process") from None
    try:
        clean_stale(Path(os.path.realpath(plan.source)).parent)
        return _execute(plan, client, t, threads, journal, progress, on_deleted)
    finally:
        workbook_lock.release()


def _execute(plan: Plan, client: NumNumClient, t: Mapping[str, str], threads: int,
             journal: Journal | None, progress: Progress | None,
             on_deleted: Callable[[int], None] | None) -> Outcome:
    own_journal = journal is None
    journal = journal or Journal(journal_path(plan.source))
    journal.open()
    results: dict[int, RowResult] = {}
    lock = threading.Lock()
    stop = _Stop(limit=threads * 2 + 2)
    deleted = 0
    backup: Path | None = None
    try:
        if plan.resumed is None:
            journal.append(plan.header)
        else:
            journal.append({"t": "resume", "batch": plan.batch,
                            "at": datetime.now().astimezone().isoformat()})

        def record(res: RowResult) -> None:
            journal.append(res.as_record(plan.batch))
            with lock:
                results[res.row] = res

        # rows that need no request
        for rp in plan.rows:
            if rp.action == ALREADY_DONE:
                prior = rp.prior or {}
                done = RowResult(rp.row, str(prior.get("status")), prior.get("id"),
                                 rp.message, prior.get("reason"), rp.fingerprint)
                if rp.reason == "in_batch":  # not in the journal yet: record it now
                    record(done)
                else:
                    with lock:
                        results[rp.row] = done
            elif rp.action == SKIP_ERRORS:
                record(RowResult(rp.row, SKIPPED_ERRORS, None, rp.message, rp.reason,
                                 rp.fingerprint))
            elif rp.action == SKIP_DUPLICATE:
                record(RowResult(rp.row, SKIPPED_DUPLICATE, rp.contact_id, rp.message,
                                 "duplicate", rp.fingerprint))

        # deletes, after the backup
        if plan.deletes:
            if plan.resumed is not None and plan.resumed.delete_plan is not None:
                backup = Path(plan.resumed.backup) if plan.resumed.backup else None
            else:
                backup = write_backup(plan.deletes, backup_path_for(plan.source))
                journal.append({"t": "delete_plan", "batch": plan.batch,
                                "ids": [str(c.get("id")) for c in plan.deletes],
                                "backup": str(backup)})
            deleted = _delete_all(plan, client, journal, threads, stop)
            if on_deleted:
                on_deleted(deleted)
        if stop.reason is None and (plan.deletes or plan.options.delete != "nee"):
            journal.append({"t": "deletes_done", "batch": plan.batch})

        # the rows
        def send(rp: RowPlan) -> None:
            if stop.reason is not None:
                return
            res = _send_one(rp, client, t, plan.lang,
                            recheck=plan.options.duplicates == "overslaan", batch=plan.batch)
            if isinstance(res, _Fatal):
                stop.set("auth")
                return
            stop.outcome(res.status == FAILED and res.reason in _RETRYABLE)
            record(res)
            if progress:
                progress.advance()

        todo = plan.to_send if stop.reason is None else []
        if todo:
            pool = ThreadPoolExecutor(max_workers=min(threads, len(todo)),
                                      thread_name_prefix="numnum-push")
            try:
                futures = [pool.submit(send, rp) for rp in todo]
                pending = set(futures)
                while pending:
                    _, pending = wait(pending, timeout=0.5)
                for f in futures:
                    f.result()
            except KeyboardInterrupt:
                stop.set("interrupted")  # the threads finish the row they are sending
                pool.shutdown(wait=True, cancel_futures=True)
            finally:
                pool.shutdown(wait=True)
    except KeyboardInterrupt:
        stop.set("interrupted")
    finally:
        # every row gets a result, also when the run was cut short
        reason = stop.reason
        for rp in plan.rows:
            if rp.row not in results:
                msg = t["auth_stop"] if reason == "auth" else t["stopped"]
                results[rp.row] = RowResult(rp.row, NOT_SENT, None, msg, reason or "stopped",
                                            rp.fingerprint)
        ordered = [results[rp.row] for rp in plan.rows]
        for rp, res in zip(plan.rows, ordered, strict=True):
            res.changes = list(rp.changes)
        counts = Summary.count(ordered)
        retryable = sum(1 for r in ordered if r.status == FAILED and r.reason in _RETRYABLE)
        summary = Summary(counts, deleted, backup, reason, retryable)
        try:
            journal.append({"t": "end", "batch": plan.batch, "complete": summary.complete,
                            "counts": counts, "deleted": deleted,
                            "at": datetime.now().astimezone().isoformat()})
        finally:
            if own_journal:
                journal.close()
        if progress:
            progress.close()
    return Outcome(ordered, summary, plan)


_RETRYABLE = ("transport", "server", "rate_limited")


def _delete_all(plan: Plan, client: NumNumClient, journal: Journal, threads: int,
                stop: _Stop) -> int:
    """Delete the plan's contacts (backup already written); returns how many went."""
    count = 0
    lock = threading.Lock()

    def one(contact: Mapping[str, Any]) -> None:
        nonlocal count
        if stop.reason is not None:
            return
        cid = str(contact.get("id"))
        try:
            client.delete_contact(cid)
        except AuthError:
            stop.set("auth")
            return
        except ApiError:
            stop.set("transport")
            return
        journal.append({"t": "deleted", "batch": plan.batch, "id": cid})
        with lock:
            count += 1

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="numnum-delete") as pool:
        list(pool.map(one, plan.deletes))
    return count


class _Fatal:
    """The token was refused in the middle of a run."""


def _send_one(rp: RowPlan, client: NumNumClient, t: Mapping[str, str],
              lang: str, *, recheck: bool = False, batch: str = "") -> RowResult | _Fatal:
    assert rp.payload is not None
    try:
        if rp.action == CREATE:
            assert rp.key is not None
            external = str(rp.payload.get("external_id") or "").strip()
            found: dict[str, Any] | None = None
            if recheck and external:  # a copy of this workbook may have been pushed meanwhile
                try:
                    found = client.find_first(external_id=external)
                except AuthError:
                    raise
                except ApiError:
                    found = None  # best effort: the create's Idempotency-Key still holds
                if found is not None and found.get("import_batch") == batch:
                    # made by this very import (an answer that was lost)
                    return RowResult(rp.row, CREATED, str(found["id"]), t["in_batch"],
                                     "in_batch", rp.fingerprint)
                if found is not None:
                    cid = str(found.get("id"))
                    return RowResult(rp.row, SKIPPED_DUPLICATE, cid,
                                     t["dup"].format(id=cid, reason=t.get("external_id",
                                                                          "external_id")),
                                     "duplicate", rp.fingerprint)
            created = client.create_contact(rp.payload, rp.key)
            msg = t["replayed"] if created.replayed else ""
            return RowResult(rp.row, CREATED, str(created.contact["id"]), msg, None,
                             rp.fingerprint)
        assert rp.contact_id is not None
        contact = client.update_contact(rp.contact_id, rp.payload)
        cid = str((contact or {}).get("id") or rp.contact_id)
        return RowResult(rp.row, OVERWRITTEN, cid, rp.message, None, rp.fingerprint)
    except AuthError:
        return _Fatal()
    except ApiError as exc:
        return RowResult(rp.row, FAILED, rp.contact_id, exc.message(lang), exc.kind,
                         rp.fingerprint)


# --- writing the results back ----------------------------------------------------------------

def default_output(source: str | os.PathLike[str]) -> Path:
    """``NAME.numnum-import.xlsx`` beside the workbook (``.xlsm`` keeps its macros).

    >>> default_output("/data/klanten.csv").as_posix()
    '/data/klanten.numnum-import.xlsx'
    """
    p = Path(source)
    suffix = ".xlsm" if p.suffix.lower() in (".xlsm", ".xltm") else ".xlsx"
    return p.with_name(f"{p.stem}.numnum-import{suffix}")


def write_back(report: Report, results: list[RowResult], out: str | os.PathLike[str], *,
               lang: str = "nl", values: Mapping[str, Any] | None = None) -> tuple[Path,
                                                                                   list[str]]:
    """Write the copy of the workbook with the validation marks and the ``NumNum-import``
    sheet (row with a link to it, status, NumNum id, message); returns (path, notices).

    ``values``: cells rewritten by safe fixes (as ``validate --fix`` writes them).
    """
    from openpyxl import load_workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    from numnum_xl.annotate import STATE_SHEET, annotate

    t = text(lang)
    source = Path(report.table.source)
    target = Path(out)
    done = annotate(source, report.table, report.findings, target, lang=lang,
                    **({"values": values} if values else {}))
    wb = load_workbook(target, keep_vba=target.suffix.lower() == ".xlsm")
    if RESULT_SHEET in wb.sheetnames:
        del wb[RESULT_SHEET]
    position = wb.sheetnames.index(STATE_SHEET) if STATE_SHEET in wb.sheetnames else None
    ws = wb.create_sheet(RESULT_SHEET, position)
    bold = Font(bold=True)
    link = Font(color="FF0563C1", underline="single")
    for col, (key, width) in enumerate((("row", 8), ("status", 26), ("id", 24),
                                        ("message", 100)), start=1):
        ws.cell(1, col, t[key]).font = bold
        ws.column_dimensions["ABCD"[col - 1]].width = width
    data_sheet = "'" + done.sheet.replace("'", "''") + "'"
    for i, res in enumerate(sorted(results, key=lambda r: r.row), start=2):
        c = ws.cell(i, 1, res.row)
        c.hyperlink = Hyperlink(ref=c.coordinate, location=f"{data_sheet}!A{res.row}")
        c.font = link
        ws.cell(i, 2, t.get(res.status, res.status))
        ws.cell(i, 3, res.contact_id)
        msg = res.message or ""
        ws.cell(i, 4, "'" + msg if msg.startswith("=") else msg)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:D{max(1, len(results) + 1)}"
    _save_atomic(wb, target)
    return target, list(done.notices)


def _save_atomic(wb: Any, out: Path) -> None:
    tmp = temp_path(out)
    try:
        wb.save(tmp)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
