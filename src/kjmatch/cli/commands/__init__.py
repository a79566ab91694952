"""One module per command; importing a module registers its command on the app."""

COMMANDS = (
    "sectors",
    "companies",
    "match",
    "partners",
    "compare",
    "dependence",
    "import_",
    "assign",
    "trade",
    "explain",
    "chain",
    "scenarios",
    "show",
    "validate",
    "schema",
    "init",
)
