"""The shared contract: messages and replies, the context of a turn, the router, texts, help."""
