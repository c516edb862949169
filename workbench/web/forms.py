"""Values from forms and query strings: one field sent once, whole numbers, the claim
version a form was loaded with, a page number. Malformed input is a 400 (a page number
that is not one is a 404: there is no such page)."""

import re
from typing import Any

from flask import abort, request

from ..errors import Sentence
from ..interface_languages import N_
from .converters import MAX_ID
from .refusals import refusal


def positive_int(value: Any) -> int | None:
    """An id or page number from a form or query string; None for anything else (abc, -1,
    1.5, 10**20)."""
    if value is None or not re.fullmatch(r"[0-9]{1,10}", str(value)):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def page_number() -> int:
    """The page asked for in ?page= (1 when not given); 404 when it is no page number."""
    page = positive_int(request.args.get("page", "1"))
    if page is None:
        abort(404)
    return page


def single_form_value(name: str):
    """A form field sent exactly once; 400 when it is repeated."""
    values = request.form.getlist(name)
    if len(values) > 1:
        raise refusal(400, Sentence("The field “%(name)s” was sent more than once.", name=name))
    return values[0] if values else None


def form_int(name: str) -> int | None:
    """An integer form field (offsets may be 0); 400 when present but not a number."""
    value = single_form_value(name)
    if value is None or value == "":
        return None
    if not re.fullmatch(r"[0-9]{1,12}", value):
        raise refusal(400, Sentence("“%(name)s” must be a whole number.", name=name))
    return int(value)


def expected_version() -> int | None:
    """The claim version the form was loaded with (None if not sent); 400 if not a number
    or sent twice. A row's status form carries it in its action's query string (one
    hidden field fewer in each of a page's rows), other forms as a field."""
    values = request.form.getlist("version") + request.args.getlist("version")
    if len(values) > 1:
        abort(400, description=N_("The field “version” was sent more than once."))
    value = values[0] if values else None
    if value is None:
        return None
    version = positive_int(value)
    if version is None:
        abort(400, description=N_("The claim version sent with the form is not a number."))
    return version
