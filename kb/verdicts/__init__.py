"""The verdicts stage: the catalogue of controlled items, the timeline of what was in force when and
the parties on China's lists (screened by name, found in text, their status on a date); verdicts are
decided here, from data, never from text."""
