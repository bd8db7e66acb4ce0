"""Pure-Python building blocks shared by the apps: no Django, no fupin app imports (spreadsheets, ID numbers)."""
