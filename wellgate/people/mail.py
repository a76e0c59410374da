"""E-mail about a person's own account, sent through allauth's adapter: the same templates
(``account/email/``) and mail backend as allauth's own account mail. It names no welfare
content, only what changed on the account."""

from __future__ import annotations

import logging

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress

log = logging.getLogger(__name__)


def email_change_requested(*, address_id: int, old: str) -> None:
    """Tell the current address that an administrator set a new one, and ask the new address
    to confirm itself (it is used for sign-in and resets only once confirmed)."""
    address = EmailAddress.objects.select_related("user").filter(pk=address_id).first()
    if address is None:
        return  # called off before the mail went
    context = {"user": address.user, "from_email": old, "to_email": address.email}
    try:
        get_adapter().send_mail("account/email/email_change_requested", old, context)
        address.send_confirmation(None)
    except OSError as exc:  # the change stands; the administrator can save it again to resend
        log.warning("e-mail about the address change of person %s failed: %s", address.user_id, exc)
