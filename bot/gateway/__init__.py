"""The public web gateway: chat API, WebSocket, embeddable widget, and the Messenger channel.

Kept import-light: Rasa imports `bot.gateway.messenger` as a channel, and that must not pull in
FastAPI.
"""
