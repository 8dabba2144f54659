"""A record, written out, gives exactly what its serializer gives."""

import pytest

from records.selectors import record_list
from records.serializers import RecordSerializer, record_data
from records.tests.factories import RecordFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_listed_record_shows_as_the_record_serializer_does(staff):
    RecordFactory(patient=UserFactory(first_name="Ann", last_name="Lee", date_of_birth=None))
    RecordFactory(diagnosis="", treatment="")

    records = list(record_list(reader=staff))

    assert len(records) == 2
    assert [record_data(record) for record in records] == (
        RecordSerializer(records, many=True).data
    )
