from __future__ import annotations

from django.db.models import QuerySet

from wellgate.notify.models import Notification
from wellgate.people.models import Person


def inbox(person: Person) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=person)
