"""The floor for start-up: a typer app with one command, in the same environment."""

import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    print(name)


if __name__ == "__main__":
    app()
