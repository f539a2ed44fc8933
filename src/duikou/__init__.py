"""duikou — an evidence-first database of China's counterpart assistance (对口支援)."""

__version__ = "0.1.0"
