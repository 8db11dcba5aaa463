from html import escape
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import BaseRenderer
from django.forms.utils import flatatt
from django.utils.safestring import SafeString, mark_safe


def attach_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field if the form has it."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class QuickSelect(forms.Select):
    """A select rendered by a few string joins rather than a template per option: a
    page with hundreds of them (the meeting entry's 300 rows) took over a second to
    render. Flat choices only (no option groups)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        selected = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(str(choice))}"'
            f"{' selected' if str(choice) in selected else ''}>{escape(str(label))}</option>"
            for choice, label in self.choices
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        # Safe: the name, every value and label are escaped above, flatatt escapes.
        return mark_safe(f'<select name="{escape(name)}"{attributes}>{options}</select>')


class QuickTextInput(forms.TextInput):
    """A text input rendered by one string join, for the same pages as `QuickSelect`."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        shown = self.format_value(value)
        value_attr = f' value="{escape(str(shown))}"' if shown is not None else ""
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        # Safe: the name and value are escaped here, flatatt escapes the attributes.
        return mark_safe(f'<input type="text" name="{escape(name)}"{value_attr}{attributes}>')
