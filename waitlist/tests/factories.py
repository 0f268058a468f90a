import factory

from waitlist.models import WaitlistEntry


class WaitlistEntryFactory(factory.django.DjangoModelFactory[WaitlistEntry]):
    class Meta:
        model = WaitlistEntry

    email = factory.Sequence(lambda n: f"hopeful{n}@example.com")
    name = factory.Sequence(lambda n: f"Hopeful {n}")
    position = factory.Sequence(lambda n: n + 1)
