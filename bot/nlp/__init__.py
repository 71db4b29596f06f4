"""Polish language processing: a spaCy pipeline on Morfeusz 2 for Rasa's SpacyNLP."""
