"""Searching customers (`GET /v1/customers?q=`): the database answers exactly what the domain's rule
(domain.customers.model.customer_matches) says, on SQLite, PostgreSQL and the fake, LIKE wildcards included."""

from __future__ import annotations

from domain.customers.model import customer_matches, search_terms
from domain.pagination import PageRequest
from domain.ports import CustomerQuery
from tests.integration.repository_contract.harness import Store, customer

PEOPLE = [
    ("Acme Dental", "ap@acmedental.example", "ACME-1"),
    ("North Acme Clinic", "billing@north.example", None),
    ("Dunmore Comptabilité", "comptes@dunmore.example", "DUN_7"),
    ("100% Fresh Produce", None, "FRESH%"),
    ("Under_Score Ltd", "under@score.example", None),
    ("Zeta", "ZETA@example.com", "z-9"),
]
TERMS = [
    "acme",
    "ACME",
    "a",
    "nor",
    "clinic",
    "dun",
    "comptab",
    "100%",
    "%",
    "_",
    "under_",
    "dun_",
    "fresh%",
    "z",
    "zeta@",
    "ap@",
    "x",
    "dental",
    "ltd",
    "100% f",
    "acme d",
]


async def test_search_finds_what_the_rule_says(store: Store) -> None:
    made = [customer(store.partner_id, name=n, email=e, external_id=x) for n, e, x in PEOPLE]
    async with store.open() as uow:
        for c in made:
            await uow.customers.add(c)
        await uow.commit()
        # external_id is written by imports only, so the rule is held against what was stored
        stored = (await uow.customers.list(CustomerQuery(archived=None), PageRequest(limit=100))).items
        assert {c.name for c in stored} == {n for n, _, _ in PEOPLE}
        for raw in TERMS:
            term = search_terms(raw)
            found = await uow.customers.list(CustomerQuery(search=term), PageRequest(limit=100))
            expected = {c.name for c in stored if customer_matches(c, term)}
            assert {c.name for c in found.items} == expected, raw
