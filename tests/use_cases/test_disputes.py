"""Answering a dispute (domain/disputes/use_cases.py): the evidence goes to the processor, once open."""

from __future__ import annotations

import pytest

from domain.clock import FixedClock
from domain.disputes.model import Dispute
from domain.disputes.use_cases import SubmitEvidence, submit_evidence
from domain.errors import Conflict
from domain.payments.outcomes import ApplyChargeState, apply_charge_state
from domain.payments.processing import ChargeStatus, DisputeState, DisputeStatus
from tests.use_cases.factories import charge, make_payer
from tests.use_cases.fakes import FakeProcessor, FakeUnitOfWork, in_transaction


async def disputed(uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor, status: DisputeStatus) -> Dispute:
    """A card payment the customer disputed, as the processor reported it."""
    payer = await make_payer(uow, clock, processor)
    payment = await charge(uow, clock, processor, payer)
    processor_id = uow.payment(payment.id).processor_payment_id or ""
    opened = DisputeState("dp_fake_1", status, 10_000, "USD", "fraudulent")
    state = processor.move(processor_id, ChargeStatus.SUCCEEDED, dispute=opened)
    await in_transaction(uow, apply_charge_state(ApplyChargeState(payment.id, state), uow, clock=clock))
    [dispute] = uow.tables.disputes.values()
    return dispute


async def test_evidence_goes_to_the_processor_and_the_dispute_is_under_review(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    dispute = await disputed(uow, clock, processor, DisputeStatus.NEEDS_RESPONSE)

    answered = await in_transaction(
        uow,
        submit_evidence(
            SubmitEvidence(dispute.id, "Signed delivery note."),
            uow,
            processors={"fake": processor},
            clock=clock,
            checkpoint=uow.checkpoint,
        ),
    )

    stored = uow.dispute(dispute.id)
    assert (stored.status, stored.evidence, stored.evidence_submitted_at) == (
        DisputeStatus.UNDER_REVIEW,
        "Signed delivery note.",
        clock.now(),
    )
    assert answered.status is DisputeStatus.UNDER_REVIEW
    assert processor.calls_to("submit_dispute_evidence") == [
        {"account": uow.partner_id, "processor_dispute_id": "dp_fake_1", "evidence": "Signed delivery note."}
    ]
    assert uow.event_types()[-1] == "dispute.updated"


async def test_evidence_for_a_closed_dispute_is_refused_without_calling_the_processor(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    dispute = await disputed(uow, clock, processor, DisputeStatus.LOST)
    before = uow.state()

    with pytest.raises(Conflict) as refused:
        await submit_evidence(
            SubmitEvidence(dispute.id, "Too late."),
            uow,
            processors={"fake": processor},
            clock=clock,
            checkpoint=uow.checkpoint,
        )

    assert refused.value.code == "dispute_not_open"
    assert processor.calls_to("submit_dispute_evidence") == []
    assert uow.state() == before
