"""The words of supervision letters (docs/letters.md): which placeholders each kind of letter offers and
requires (`placeholders`), the default zh-Hans texts an administrator starts from (`defaults`), and the facts
that fill the placeholders when a letter is previewed or issued (`facts`)."""
