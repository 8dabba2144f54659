"""Phone numbers of customers: validated as real numbers and stored in E.164."""

import phonenumbers
from django.core.exceptions import ValidationError

# The regions phonenumbers knows: ISO 3166-1 alpha-2 codes of every country (and
# a few territories) that has a numbering plan.
COUNTRY_CODES = frozenset(phonenumbers.SUPPORTED_REGIONS)


def phone_number_to_e164(raw: str, *, country: str | None) -> str:
    """``raw`` in E.164 (``+36301234567``).

    A number written without ``+`` and a country calling code is read as a number
    of ``country`` (the delivery address's), as a customer would write it locally.
    """
    try:
        number = phonenumbers.parse(raw, country)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            "Enter a valid phone number, e.g. +36301234567.", code="invalid_phone"
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError("This phone number does not exist.", code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
