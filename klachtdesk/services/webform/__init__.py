"""The web form's side of the procedure: a klager files a klacht, factuurvraag or
accountvraag on the organisation's website and follows it through a one-time link.

- ``settings``: ``data/webformulier.toml`` (limits, attachments, link validity) and what
  the form shows of the organisation (its name, its privacy statement);
- ``account``: the web form's own account, with the role ``webformulier`` — the least
  the form needs: register, acknowledge, and show a proven klager their own case;
- ``intake``: a submission registered through the desk's one intake (channel
  webformulier, the server's receipt moment), its attachments kept with the case, the
  ontvangstbevestiging sent;
- ``follow``: "Waar staat mijn klacht?" — klachtnummer and e-mail address in, a one-time
  link out (only its hash kept), and the klager's view of their case: the stand in
  plain Dutch, the deadlines promised and whether they were met, the messages sent to
  them — never internal or confidential notes, never other people's details.

The HTTP side (Starlette) is ``klachtdesk.web``; nothing here knows about HTTP.
"""
