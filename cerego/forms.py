"""Form plumbing every app's pages use."""

from typing import Any

from django.core.exceptions import ValidationError
from django.forms import BaseForm


def add_service_errors(form: BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one.

    A service may raise a message-only error (a lost race, a rule about the whole object)
    or one keyed by field; both end up on the form, never as a 500. A domain error that
    names its field (`field` attribute) lands on that field.
    """
    field = getattr(error, "field", None)
    if field in form.fields:
        form.add_error(field, error)
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class FocusFirstErrorMixin(BaseForm):
    """After a refusal the cursor lands in the first field to fix.

    htmx focuses an `autofocus` element in the content it swaps in, and browsers do on a
    full page load, so this works with and without JavaScript.
    """

    def get_context(self) -> dict[str, Any]:
        if self.is_bound:
            for name, field in self.fields.items():
                if name in self.errors and not field.widget.is_hidden:
                    field.widget.attrs["autofocus"] = True
                    break
        return super().get_context()
