"""Fill the sign-up form the way a keyboard-only user does: Tab, type, Space, arrows, Enter.

The driver never clicks or calls fill(): it presses Tab, asks the page which
element has focus, and acts on that element with keys alone. Reading the DOM
to decide what to press is what a screen-reader user's ears do; the input
itself is keys only.
"""

MAX_TAB_PRESSES = 120
TYPING_DELAY_MS = 5

_FOCUSED = """() => {
  const e = document.activeElement;
  const form = e && e.form;
  return {
    tag: e ? e.tagName.toLowerCase() : "",
    type: (e && e.type) || "",
    name: (e && e.name) || "",
    value: (e && "value" in e) ? e.value : "",
    checked: !!(e && e.checked),
    inPostForm: !!(form && (form.getAttribute("method") || "").toLowerCase() === "post"),
    options: (e && e.tagName === "SELECT") ? Array.from(e.options).map(o => [o.value, o.text]) : [],
  };
}"""


def _select_option_by_keys(page, focused, wanted):
    """Home, then ArrowDown on the closed <select> until the wanted option is chosen.

    Not type-ahead: Playwright types Å, Ä and Ö as inserted text, which a
    <select> does not receive, so "Östersund" could never be typed there.
    """
    target = next((value for value, text in focused["options"] if wanted in (value, text)), None)
    assert target is not None, f"{focused['name']}: no option {wanted!r} in {focused['options']}"
    page.keyboard.press("Home")
    for _ in range(len(focused["options"])):
        if page.evaluate("() => document.activeElement.value") == target:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{focused['name']}: could not choose {wanted!r} with the keyboard")


def _choose_radio_by_keys(page, focused, wanted, group_size=12):
    """Arrow keys move through a radio group and check the radio they land on."""
    if focused["value"] == wanted:
        if not focused["checked"]:
            page.keyboard.press("Space")
        return
    for _ in range(group_size):
        page.keyboard.press("ArrowDown")
        if page.evaluate("() => document.activeElement.value") == wanted:
            return
    raise AssertionError(f"{focused['name']}: arrows never reached {wanted!r}")


def fill_form_by_keyboard(page, values):
    """Tab through the page and set every field named in `values`; return the names visited.

    values: {name: str} for text, textarea, select and radio groups;
            {name: set_of_values} for checkbox groups (others in the group left unchecked);
            {name: True} for a single required checkbox.
    Stops with focus on the form's submit button, without pressing it.
    """
    visited = set()
    for _ in range(MAX_TAB_PRESSES):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if not focused["inPostForm"]:
            continue
        name, kind = focused["name"], focused["type"]
        if kind == "submit" or focused["tag"] == "button":
            if set(values) <= visited:
                return visited
            continue
        if name not in values:
            continue
        wanted = values[name]
        if kind == "checkbox":
            should_be_checked = wanted is True or focused["value"] in wanted
            if focused["checked"] != should_be_checked:
                page.keyboard.press("Space")
        elif kind == "radio":
            if name in visited:
                continue
            _choose_radio_by_keys(page, focused, wanted)
        elif focused["tag"] == "select":
            _select_option_by_keys(page, focused, wanted)
        else:
            if focused["value"]:
                page.keyboard.press("Control+A")
                page.keyboard.press("Delete")
            page.keyboard.type(wanted, delay=TYPING_DELAY_MS)
        visited.add(name)
    raise AssertionError(f"never reached the submit button with all fields set; visited {sorted(visited)}")
