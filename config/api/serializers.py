"""DRF's serializers, as every app imports them (``from config.api import serializers``).

One difference: a text field's ``max_length`` holds for the text the client sent, as
the schema's ``maxLength`` says. DRF trims surrounding whitespace first and checks the
length after, so a 151-character ``first_name`` ending in a space passed a 150 limit:
a request the schema calls invalid, accepted (schemathesis' "schema-violating request
accepted"). The stored text is still trimmed.
"""

from django.db import models
from rest_framework.serializers import *  # noqa: F403 (this module is DRF's, amended)
from rest_framework.serializers import CharField as _CharField
from rest_framework.serializers import EmailField as _EmailField
from rest_framework.serializers import ModelSerializer as _ModelSerializer


class _SentLengthMixin:
    def to_internal_value(self, data):
        if self.max_length is not None and isinstance(data, str) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class CharField(_SentLengthMixin, _CharField):
    pass


class EmailField(_SentLengthMixin, _EmailField):
    pass


class ModelSerializer(_ModelSerializer):
    serializer_field_mapping = {
        **_ModelSerializer.serializer_field_mapping,
        models.CharField: CharField,
        models.TextField: CharField,
        models.EmailField: EmailField,
    }
