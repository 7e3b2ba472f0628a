"""In-memory fakes of the domain ports: a transactional unit of work, faithful repositories, a scripted processor.

The repositories mirror adapters/db (tests/integration/test_repository_contract.py holds all three to the same
contract); the processor mirrors the sandbox's books and refusals.
"""

from tests.use_cases.fakes.invoicing import account_sums, derive_balance
from tests.use_cases.fakes.processor import Call, FakeProcessor
from tests.use_cases.fakes.tables import FAKE_PARTNER_ID, Tables, Violation, keyset_page
from tests.use_cases.fakes.unit_of_work import FakeUnitOfWork, in_transaction

__all__ = [
    "FAKE_PARTNER_ID",
    "Call",
    "FakeProcessor",
    "FakeUnitOfWork",
    "Tables",
    "Violation",
    "account_sums",
    "derive_balance",
    "in_transaction",
    "keyset_page",
]
