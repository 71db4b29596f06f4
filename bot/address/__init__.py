"""Address resolution: from what a resident types to the Kraków district (and so the MOPS branch).

resolver = AddressResolver.load()
resolver.resolve("mieszkam na jozefinskiej 14").district  # "XIII"
"""

from bot.address.model import Candidate, ParsedAddress, Resolution
from bot.address.resolver import AddressResolver

__all__ = ["AddressResolver", "Candidate", "ParsedAddress", "Resolution"]
