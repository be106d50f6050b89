"""HCL native syntax as Terraform reads it: a lexer, a parser and the syntax tree (`ast`).

`parse_file` reads a whole .tf file, `parse_expression` one expression, `parse_template` a bare template (a
templatefile's content). Syntax errors are `mlmarket.errors.InputError`s naming the file and line.
"""

from mlmarket.terraform.syntax import ast
from mlmarket.terraform.syntax.parser import MAX_DEPTH, parse_expression, parse_file, parse_template

__all__ = ["MAX_DEPTH", "ast", "parse_expression", "parse_file", "parse_template"]
