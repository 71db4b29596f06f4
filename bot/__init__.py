"""MOPS Kraków assistant: our code around Rasa (Polish NLP, addresses, branches, services)."""
