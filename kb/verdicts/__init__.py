"""The verdicts stage: the catalogue of controlled items and the timeline of what was in force when;
verdicts are decided here, from data, never from text."""
