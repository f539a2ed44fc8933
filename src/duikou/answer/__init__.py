"""Answer: Chinese questions answered from the store, with evidence and honest gaps."""

from duikou.answer.respond import Answer, ask

__all__ = ["Answer", "ask"]
