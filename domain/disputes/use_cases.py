"""Answering a dispute: the evidence goes to the processor, and the dispute follows what it answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.clock import Clock
from domain.disputes.model import Dispute, path_to
from domain.errors import Conflict, ErrorCode
from domain.events import DisputeUpdated
from domain.payments.processing import DisputeStatus
from domain.ports import Checkpoint, CheckpointReason, PaymentProcessor, UnitOfWork


@dataclass(frozen=True, slots=True)
class SubmitEvidence:
    dispute_id: str
    evidence: str


async def submit_evidence(
    cmd: SubmitEvidence,
    uow: UnitOfWork,
    *,
    processors: Mapping[str, PaymentProcessor],
    clock: Clock,
    checkpoint: Checkpoint,
) -> Dispute:
    dispute = await uow.disputes.get(cmd.dispute_id)
    if dispute.status not in {DisputeStatus.NEEDS_RESPONSE, DisputeStatus.WARNING_NEEDS_RESPONSE}:
        raise Conflict(f"The dispute is {dispute.status.value}; evidence is closed.", code=ErrorCode.DISPUTE_NOT_OPEN)
    payment = await uow.payments.get(dispute.payment_id)
    processor = processors[payment.processor or ""]
    await checkpoint(CheckpointReason.CALLING_PROCESSOR)
    state = await processor.submit_dispute_evidence(
        account=payment.partner_id, processor_dispute_id=dispute.processor_dispute_id, evidence=cmd.evidence
    )
    await uow.payments.lock(payment.id)  # the same lock the event handlers take
    dispute = await uow.disputes.get(cmd.dispute_id)
    now = clock.now()
    for step in path_to(dispute.status, state.status) or []:
        if step in {DisputeStatus.UNDER_REVIEW, DisputeStatus.WARNING_UNDER_REVIEW}:
            dispute.move_to(step)
    dispute.evidence = cmd.evidence
    dispute.evidence_submitted_at = now
    dispute.updated_at = now
    await uow.disputes.save(dispute)
    uow.record(DisputeUpdated(dispute_id=dispute.id, payment_id=dispute.payment_id, status=dispute.status.value))
    return dispute
