import datetime

import factory
from django.utils import timezone

from records.models import Record
from users.tests.factories import UserFactory


class RecordFactory(factory.django.DjangoModelFactory[Record]):
    """A stored record, written straight to the table: no audit entry (tests count those)."""

    class Meta:
        model = Record

    patient = factory.SubFactory(UserFactory)
    diagnosis = "Seasonal allergic rhinitis"
    treatment = "Antihistamine, 10 mg daily"
    date_of_treatment = factory.LazyFunction(
        lambda: timezone.now().date() + datetime.timedelta(days=7)
    )
    doctor = "Dr. Eva Kovacs"
