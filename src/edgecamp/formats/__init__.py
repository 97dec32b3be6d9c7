"""Date formats per language (Django's FORMAT_MODULE_PATH): a day as a clerk writes it, with
the month in words so that 03/04 is never read two ways. Templates use `|date` (DATE_FORMAT)
and `|date:"DATETIME_FORMAT"`; sentences use `core.dates.in_words`."""
