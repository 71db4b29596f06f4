"""Conversation review for MOPS staff, private by design: masked lists, transcripts and exports,
audited unmasking, and retention of Rasa's tracker store (`python -m bot.review retention`)."""
