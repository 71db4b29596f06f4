"""rasa-sdk actions: thin adapters from Rasa's tracker to the `bot` package."""
