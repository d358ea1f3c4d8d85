"""The nurse console: a web page and JSON API where nurses take over conversations from the bot."""
