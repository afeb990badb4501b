"""Participation: roles, OSC registration, subscriptions, focal-point updates, monitoring
feedback, and what they send (notices, reminders, digests, the outbox delivery worker).

A feature package below handlers/ and above knowledge/ and storage/: it never imports handlers
or bot (tests/test_layers.py).  bot.app calls `participation.wiring.register(application,
admin_ids=...)` with plain values from its settings.  Modules: registration (/registro,
/pendientes), roles (/admin, /enlace), updates (/actualizar), monitoring (/monitoreo,
/mis_reportes, /moderar), subscriptions, privacy (/mis_datos, /borrar_mis_datos, /exportar),
notify, reminders, delivery (the outbox worker), opendata.  The Telegram plumbing every room
uses lives here too, the lowest layer that needs it: context (services, db_call, the person's
language), messaging (the one reply path), render (escaping, safe splitting), logprivacy.

Nothing is imported here: `import participation.logprivacy` stays cheap for `hitobot ask`.
"""
