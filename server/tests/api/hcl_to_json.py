"""Prints the HCL file named on the command line as JSON, read with PyPI python-hcl2.

python-hcl2 8 keeps the quotes of strings and keys and marks blocks with `__is_block__`; both
are left out, so the JSON has the values as Terraform reads them.
"""
import json
import sys

import hcl2


def plain(value):
    if isinstance(value, dict):
        return {key.strip('"'): plain(item) for key, item in value.items() if key != "__is_block__"}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, str) and len(value) > 1 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


with open(sys.argv[1], encoding="utf-8") as file:
    print(json.dumps(plain(hcl2.load(file))))
