"""Rasa dialogue components of our own (policies)."""
