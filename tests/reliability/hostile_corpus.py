"""The hostile requests test_hostile_input.py sends: each case takes a client
and a valid set of answers, spoils them in one way and POSTs."""

from urllib.parse import urlencode

PAYLOAD_MARK = "xss-payload-7731"
HOSTILE_VALUES = {
    "formula": "=1+1",
    "plus": "+1+1",
    "minus": "-1+1",
    "at": "@SUM(A1:A9)",
    "tab-formula": "\t=1+1",
    "cr-formula": "\r=1+1",
    "space-formula": " =1+1",
    "spaces-dde": "   +cmd|' /C calc'!A0",
    "quoted-hyperlink": '"=HYPERLINK(""http://evil.example"",""klicka här"")"',
    "apostrophe-formula": "'=1+1",
    "script": f"<script>alert('{PAYLOAD_MARK}')</script>",
    "attribute-breakout": f'"><img src=x onerror=alert("{PAYLOAD_MARK}")>',
    "crlf": "rad ett\r\nSet-Cookie: evil=1\r\n=1+1",
    "nul": "före\x00efter",
    "controls": "a\x01b\x07c\x1bd\x7fe",
    "rtl-override": "faktura\u202efdp.exe",
    "xml-noncharacters": "Bolaget\uffff AB\ufffe",
    "homoglyph-email": "\u0430nna@ex\u0430mple.se",
    "very-long": "A" * 100_000,
    "long-formula": "=" + "B" * 20_000,
}
# Free-text fields get every value; choice, flag and token fields (where any
# text is just "not a valid choice") get the short list.
FREE_TEXT_FIELDS = ("company", "org_number", "contact_name", "role", "email", "phone", "message")
SHORT_LIST = ("formula", "script", "attribute-breakout", "crlf", "nul", "very-long")
FORM_FIELDS = (
    "company", "org_number", "municipality", "employees", "industry", "contact_name",
    "role", "email", "phone", "areas", "message", "consent", "call", "website",
    "started", "csrf_token",
)
# Without these a sign-up must not be accepted.
REQUIRED_FIELDS = {
    "company", "org_number", "municipality", "employees", "industry", "contact_name",
    "email", "phone", "areas", "consent", "started", "csrf_token",
}
INVALID_UTF8 = {"percent": b"%FF%FE%FD", "raw": b"\xff\xfe\xc3\x28", "overlong": b"%C0%AF", "surrogate": b"%ED%A0%80"}
WRONG_CONTENT_TYPES = ("text/plain", "application/json", "application/xml", "")


class Case:
    def __init__(self, send, must_refuse=False):
        self.send = send
        self.must_refuse = must_refuse


def _with_value(field, value):
    return Case(lambda client, answers: client.post(dict(answers, **{field: value})),
                must_refuse=field in ("website", "started", "csrf_token"))


def _without(field):
    return Case(lambda client, answers: client.post({k: v for k, v in answers.items() if k != field}),
                must_refuse=field in REQUIRED_FIELDS)


def _duplicated(field):
    return Case(lambda client, answers: client.post([*answers.items(), (field, HOSTILE_VALUES["formula"])]))


def _raw_body(field, encoded):
    def send(client, answers):
        answers.pop(field)
        body = urlencode(answers).encode("ascii") + b"&" + field.encode() + b"=" + encoded
        return client.post(body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    return Case(send)


def _content_type(content_type):
    return Case(lambda client, answers: client.post(urlencode(answers).encode(),
                                                    headers={"Content-Type": content_type}),
                must_refuse=True)


def _file_in(field):
    upload = ("=cmd.xlsx", f"=1+1\r\n<script>alert('{PAYLOAD_MARK}')</script>".encode(), "application/vnd.ms-excel")
    return Case(lambda client, answers: client.post(answers, files={field: upload}))


def _many_areas(client, answers):
    answers.pop("areas")
    return client.post([*answers.items(), *[("areas", f"=Område {number}") for number in range(1000)]])


def _build_cases():
    cases = {}
    for field in FORM_FIELDS:
        for label, value in HOSTILE_VALUES.items():
            if field in FREE_TEXT_FIELDS or label in SHORT_LIST:
                cases[f"{field}={label}"] = _with_value(field, value)
        cases[f"without-{field}"] = _without(field)
        cases[f"twice-{field}"] = _duplicated(field)
        cases[f"file-in-{field}"] = _file_in(field)
    for field in ("company", "contact_name", "message", "email"):
        for label, encoded in INVALID_UTF8.items():
            cases[f"utf8-{label}-{field}"] = _raw_body(field, encoded)
    for content_type in WRONG_CONTENT_TYPES:
        cases[f"content-type-{content_type or 'none'}"] = _content_type(content_type)
    cases["json-body"] = Case(lambda client, answers: client.post(json=answers), must_refuse=True)
    cases["areas-1000-values"] = Case(_many_areas, must_refuse=True)
    return cases


CASES = _build_cases()
