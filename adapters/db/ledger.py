"""Ledger repository: append-only journal writes and balance aggregation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.insights_rollup import (
    DAYS_PARAMS,
    FLOWS_PARAMS,
    PAID_PARAMS,
    Writes,
    entry_params,
    flows_touched,
    touched_invoices,
    writes,
)
from adapters.db.paging import fetch_page
from adapters.db.statements import Statements
from adapters.db.tables import JournalEntryRow, JournalLineRow, core
from domain.errors import NotFound
from domain.ids import new_id
from domain.invoices.model import Invoice, InvoiceStatus
from domain.ledger.balances import AccountSums, InvoiceBalance, balance_of
from domain.ledger.model import Account, JournalEntry, JournalLine, Reason
from domain.pagination import Page, PageRequest
from domain.ports import EntryQuery

_PER_INVOICE = [Account.RECEIVABLE.value, Account.PENDING.value, Account.REVENUE.value, Account.WRITE_OFF.value]


_SUMS_BY_INVOICE_IDS = (
    select(JournalLineRow.invoice_id, JournalLineRow.account, func.sum(JournalLineRow.amount).label("total"))
    .where(
        JournalLineRow.partner_id == bindparam("partner"),
        JournalLineRow.invoice_id.in_(bindparam("ids", expanding=True)),
        JournalLineRow.account.in_(_PER_INVOICE),
    )
    .group_by(JournalLineRow.invoice_id, JournalLineRow.account)
)


class SqlLedger(Statements):
    def __init__(self, session: AsyncSession, partner_id: str) -> None:
        self.session = session
        self.partner_id = partner_id

    async def add(self, entry: JournalEntry) -> None:
        invoice_ids = touched_invoices(entry)
        rollup = writes(self.dialect_insert)
        if invoice_ids:  # held until commit: the paid states of these invoices are recomputed below
            await self._fetch_all(rollup.lock, {"partner": entry.partner_id, "ids": invoice_ids})
        # Plain inserts: the journal is never updated, so ORM change tracking would be waste.
        head = {
            "id": entry.id,
            "partner_id": entry.partner_id,
            "reason": entry.reason.value,
            "invoice_id": entry.invoice_id,
            "payment_id": entry.payment_id,
            "reverses_entry_id": entry.reverses_entry_id,
            "created_at": entry.created_at,
        }
        await self._insert_rows(core(JournalEntryRow), [head])
        lines = [
            {
                "id": new_id("jl"),
                "partner_id": entry.partner_id,
                "entry_id": entry.id,
                "position": i,
                "account": line.account.value,
                "invoice_id": line.invoice_id,
                "currency": line.currency,
                "amount": line.amount,
            }
            for i, line in enumerate(entry.lines)
        ]
        await self._insert_rows(core(JournalLineRow), lines)
        if invoice_ids:
            await self._roll_up(entry, invoice_ids, rollup)

    async def _roll_up(self, entry: JournalEntry, invoice_ids: list[str], rollup: Writes) -> None:
        """Keep the insights rollup (adapters/db/insights_rollup.py) equal to the journal, in this transaction:
        the paid-state changes first (they read the invoices' days before the entry's are added), then the days
        and the flows."""
        params = entry_params(entry)
        await self._execute(rollup.paid, {**{k: params[k] for k in PAID_PARAMS}, "ids": invoice_ids})
        await self._execute(rollup.invoice_days, {k: params[k] for k in DAYS_PARAMS})
        if flows_touched(entry):
            await self._execute(rollup.flows, {k: params[k] for k in FLOWS_PARAMS})

    async def balances(self, invoices: Sequence[Invoice]) -> dict[str, InvoiceBalance]:
        if not invoices:
            return {}
        rows = await self._fetch_all(
            _SUMS_BY_INVOICE_IDS, {"partner": self.partner_id, "ids": [i.id for i in invoices]}
        )
        sums: dict[str, dict[str, int]] = defaultdict(dict)
        for row in rows:
            sums[row["invoice_id"]][row["account"]] = int(row["total"])
        out: dict[str, InvoiceBalance] = {}
        for inv in invoices:
            if inv.status is InvoiceStatus.DRAFT:
                out[inv.id] = InvoiceBalance.unissued(inv.total)
                continue
            s = sums.get(inv.id, {})
            account_sums = AccountSums.from_totals(s)
            out[inv.id] = balance_of(inv.total, account_sums)
        return out

    async def _entries(self, rows: list[JournalEntryRow]) -> list[JournalEntry]:
        if not rows:
            return []
        line_rows = await self.session.scalars(
            select(JournalLineRow)
            .where(JournalLineRow.partner_id == self.partner_id, JournalLineRow.entry_id.in_([r.id for r in rows]))
            .order_by(JournalLineRow.entry_id, JournalLineRow.position)
        )
        lines: dict[str, list[JournalLine]] = defaultdict(list)
        for ln in line_rows:
            lines[ln.entry_id].append(JournalLine(Account(ln.account), ln.amount, ln.currency, ln.invoice_id))
        return [
            JournalEntry(
                id=r.id,
                partner_id=r.partner_id,
                reason=Reason(r.reason),
                lines=tuple(lines[r.id]),
                created_at=r.created_at,
                payment_id=r.payment_id,
                invoice_id=r.invoice_id,
                reverses_entry_id=r.reverses_entry_id,
            )
            for r in rows
        ]

    async def entry_for_payment(self, payment_id: str, reason: Reason) -> JournalEntry:
        row = await self.session.scalar(
            select(JournalEntryRow)
            .where(
                JournalEntryRow.partner_id == self.partner_id,
                JournalEntryRow.payment_id == payment_id,
                JournalEntryRow.reason == reason.value,
            )
            .order_by(JournalEntryRow.id)
            .limit(1)
        )
        if row is None:
            raise NotFound("journal entry", f"{reason.value} for {payment_id}")
        return (await self._entries([row]))[0]

    async def list(self, query: EntryQuery, page: PageRequest) -> Page[JournalEntry]:
        stmt = select(JournalEntryRow).where(JournalEntryRow.partner_id == self.partner_id)
        if query.invoice_id is not None:
            stmt = stmt.where(
                JournalEntryRow.id.in_(
                    select(JournalLineRow.entry_id).where(JournalLineRow.invoice_id == query.invoice_id)
                )
            )
        if query.payment_id is not None:
            stmt = stmt.where(JournalEntryRow.payment_id == query.payment_id)
        rows = await fetch_page(self.session, stmt, JournalEntryRow.id, page)
        return Page(items=await self._entries(rows.items), has_more=rows.has_more)
