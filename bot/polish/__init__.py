"""Polish language helpers with no NLU or address logic: text folding and Morfeusz."""
