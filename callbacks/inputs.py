"""The door every request passes: input the application cannot use is refused here with 400 and a line of
Chinese, before any callback or route sees it (PostgreSQL refuses text with NUL; a very deep JSON body
overflows the parser's recursion). A callback or route that finds a bad value itself raises BadInput."""

from __future__ import annotations

from dash.exceptions import DependencyException
from flask import Flask, Response, jsonify, request

from callbacks.downloads import refusal
from i18n import t

NUL = "\x00"


class BadInput(ValueError):
    """A value a person or system sent that cannot be used; the message is a key of the i18n catalogue."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def register(server: Flask) -> None:
    server.before_request(check_request)
    server.register_error_handler(BadInput, answer_bad_input)
    # Dash's own file route raises this for a library it does not serve: a wrong address, not an error
    server.register_error_handler(DependencyException, lambda _: refusal("input.not_found", 404))


def check_request() -> Response | None:
    """None for a usable request; else the 400 answer."""
    try:
        if any(has_nul(v) for v in (*request.args.items(multi=True), *request.form.items(multi=True))):
            raise BadInput("input.nul")
        if request.is_json and has_nul(json_body()):
            raise BadInput("input.nul")
    except BadInput as refused:
        return answer_bad_input(refused)
    return None


def json_body() -> object:
    """The request's JSON (parsed once, Flask keeps it for the view); BadInput if it cannot be parsed."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser goes: not a body anyone means to send
        raise BadInput("input.bad_json") from None
    if body is None and request.get_data():
        raise BadInput("input.bad_json")
    return body


def has_nul(value: object) -> bool:
    """Whether any text in a JSON-like value (strings, lists, dicts, tuples) holds a NUL character."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                return True
        elif isinstance(item, dict):
            stack += [*item.keys(), *item.values()]
        elif isinstance(item, list | tuple):
            stack += item
    return False


def answer_bad_input(refused: BadInput) -> Response:
    if request.is_json:  # a system or a Dash callback: the message in JSON
        response = jsonify(error=t(refused.key, **refused.values))
        response.status_code = 400
        return response
    return refusal(refused.key, 400, **refused.values)
