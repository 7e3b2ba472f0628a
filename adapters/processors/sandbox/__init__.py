"""The sandbox: the default, in-process, deterministic processor that keeps its own books."""

from adapters.processors.sandbox.bank_connector import SandboxBankConnector
from adapters.processors.sandbox.faults import SandboxFaults, SimulatedCrash
from adapters.processors.sandbox.processor import SandboxProcessor

__all__ = ["SandboxBankConnector", "SandboxFaults", "SandboxProcessor", "SimulatedCrash"]
