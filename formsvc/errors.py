"""Error pages in Swedish, rendered with the site's layout."""

import logging

from flask import render_template

from . import db

log = logging.getLogger(__name__)

PAGES = {
    400: ("Vi kunde inte ta emot formuläret", (
        "Något i det som skickades saknades eller såg inte ut som det ska, så ingenting har sparats.",
        "Gå tillbaka till formuläret, ladda om sidan och skicka igen.",
    )),
    404: ("Sidan finns inte", (
        "Kontrollera att adressen är rätt stavad. Utlysningar som har tagits bort har inget formulär längre.",
    )),
    405: ("Det går inte att göra så här", (
        "Sidan tar inte emot den sortens förfrågan. Öppna formuläret och skicka det med knappen.",
    )),
    408: ("Det tog för lång tid att ta emot formuläret", (
        "Anslutningen var för långsam, så ingenting har sparats.",
        "Gå tillbaka till formuläret och skicka igen, gärna när du har bättre uppkoppling.",
    )),
    413: ("Det du skickade var för stort", (
        "Formuläret tar emot högst 64 kB. Korta meddelandet och skicka igen.",
    )),
    429: ("För många försök på kort tid", (
        "Vänta en minut och skicka sedan formuläret igen.",
    )),
    500: ("Något gick fel hos oss", (
        "Det var inte ditt fel. Ingenting har sparats. Försök igen om en stund.",
    )),
    503: ("Försök igen om en stund", (
        "Tjänsten kan inte spara anmälningar just nu, så ingenting har sparats.",
        "Vänta en stund och skicka formuläret igen.",
    )),
}


def render_error(code):
    heading, paragraphs = PAGES[code]
    return render_template("error.html", heading=heading, paragraphs=paragraphs), code


def database_unavailable(error):
    """A database that is down or restarting: nothing was written; say when to retry."""
    log.error("database unavailable: %s", error)
    page, code = render_error(503)
    return page, code, {"Retry-After": str(db.RETRY_AFTER_SECONDS)}


def init_app(app):
    for code in PAGES:
        app.register_error_handler(code, lambda _error, code=code: render_error(code))
    for error_class in db.UNAVAILABLE:
        app.register_error_handler(error_class, database_unavailable)
