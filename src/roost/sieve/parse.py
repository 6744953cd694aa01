"""Tokens -> syntax tree, RFC 5228 §8.2.

commands = *command; command = identifier arguments (";" / block);
arguments = *argument [test / test-list]; a test is identifier arguments.
Only grammar is checked here; meaning is validate.py's job.
"""

from __future__ import annotations

from roost.sieve.ast import Argument, Command, Number, Strings, Tag, Test
from roost.sieve.errors import SieveSyntaxError
from roost.sieve.lexer import Kind, Token, tokenize

MAX_NESTING = 64


class Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        if tok.kind is not Kind.EOF:
            self.i += 1
        return tok

    def is_punct(self, char: str) -> bool:
        tok = self.peek()
        return tok.kind is Kind.PUNCT and tok.value == char

    def expect(self, char: str, what: str) -> Token:
        tok = self.take()
        if tok.kind is not Kind.PUNCT or tok.value != char:
            raise SieveSyntaxError(tok.pos, f"expected {what}, found {tok.describe()}")
        return tok

    def nest(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise SieveSyntaxError(tok.pos, f"nesting deeper than {MAX_NESTING} levels")

    def commands(self, top: bool) -> list[Command]:
        out: list[Command] = []
        while True:
            tok = self.peek()
            if tok.kind is Kind.EOF:
                if not top:
                    raise SieveSyntaxError(tok.pos, "missing '}' before the end of the script")
                return out
            if tok.kind is Kind.PUNCT and tok.value == "}":
                if top:
                    raise SieveSyntaxError(tok.pos, "'}' without a matching '{'")
                return out
            out.append(self.command())

    def command(self) -> Command:
        tok = self.take()
        if tok.kind is not Kind.IDENT:
            raise SieveSyntaxError(tok.pos, f"expected a command name, found {tok.describe()}")
        cmd = Command(str(tok.value), tok.pos)
        cmd.args, cmd.tests = self.arguments()
        end = self.peek()
        if end.kind is Kind.PUNCT and end.value == ";":
            self.take()
        elif end.kind is Kind.PUNCT and end.value == "{":
            self.take()
            self.nest(end)
            cmd.block = self.commands(top=False)
            self.depth -= 1
            self.expect("}", "'}'")
        else:
            raise SieveSyntaxError(end.pos, f"expected ';' or '{{' after {cmd.name}, found {end.describe()}")
        return cmd

    def arguments(self) -> tuple[list[Argument], list[Test]]:
        args: list[Argument] = []
        while True:
            tok = self.peek()
            if tok.kind is Kind.TAG:
                self.take()
                args.append(Tag(str(tok.value), tok.pos))
            elif tok.kind is Kind.NUMBER:
                self.take()
                args.append(Number(int(tok.value), tok.pos))
            elif tok.kind is Kind.STRING or (tok.kind is Kind.PUNCT and tok.value == "["):
                args.append(self.string_list())
            else:
                break
        tok = self.peek()
        if tok.kind is Kind.IDENT:
            return args, [self.test()]
        if tok.kind is Kind.PUNCT and tok.value == "(":
            return args, self.test_list()
        return args, []

    def string_list(self) -> Strings:
        tok = self.take()
        if tok.kind is Kind.STRING:
            return Strings([str(tok.value)], tok.pos, bracketed=False)
        values: list[str] = []
        while True:
            item = self.take()
            if item.kind is not Kind.STRING:
                raise SieveSyntaxError(item.pos, f"expected a string in the list, found {item.describe()}")
            values.append(str(item.value))
            sep = self.take()
            if sep.kind is Kind.PUNCT and sep.value == "]":
                return Strings(values, tok.pos, bracketed=True)
            if not (sep.kind is Kind.PUNCT and sep.value == ","):
                raise SieveSyntaxError(sep.pos, f"expected ',' or ']' in the string list, found {sep.describe()}")

    def test(self) -> Test:
        tok = self.take()
        if tok.kind is not Kind.IDENT:
            raise SieveSyntaxError(tok.pos, f"expected a test, found {tok.describe()}")
        self.nest(tok)
        test = Test(str(tok.value), tok.pos)
        test.args, test.tests = self.arguments()
        self.depth -= 1
        return test

    def test_list(self) -> list[Test]:
        open_tok = self.expect("(", "'('")
        self.nest(open_tok)
        tests = [self.test()]
        while self.is_punct(","):
            self.take()
            tests.append(self.test())
        self.expect(")", "',' or ')' in the test list")
        self.depth -= 1
        return tests


def parse(source: bytes | str, strict: bool = True) -> list[Command]:
    """The syntax tree of a script, or SieveSyntaxError at the first problem."""
    return Parser(tokenize(source, strict)).commands(top=True)
