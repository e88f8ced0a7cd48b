"""Job queues: run pipeline jobs in the background."""

from tutor_core.queues.inprocess import InProcessQueue

__all__ = ["InProcessQueue"]
