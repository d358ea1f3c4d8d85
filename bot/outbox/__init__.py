"""Messages for the person, kept until their channel delivers them: the table, queuing, leased delivery, the pusher.

A handoff transition queues its notice with `Outbox.enqueue` inside its own unit of work, so the
notice is stored if and only if the transition is. Channels that send asynchronously (SMS) queue
the bot's own replies with `send_later`. `pusher.OutboxPusher` sends what is due on channels that
can reach the person unasked; the gate (bot/channels/gate.py) hands the rest over with the next reply.
"""
