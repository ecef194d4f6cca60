#!/usr/bin/python3
"""Verifies every DKIM-Signature of a message with Debian's python3-dkim (python3-nacl for Ed25519).

  dkim_verify.py RECORDS.json < message
  dkim_verify.py RECORDS.json MESSAGE_FILE...   (one list per file, as a JSON list of lists)
      RECORDS.json: {"selector._domainkey.domain.": "v=DKIM1; k=rsa; p=..."} — the test DNS: the key
      lookup is answered by dkimpy's dnsfunc callback from this table, and every name asked for is
      recorded. Prints one JSON list, one object per signature, topmost first:
      {"verified": bool, "error": str|null, "a": ..., "c": ..., "s": ..., "d": ..., "h": [...],
       "lookups": [...]}
"""
import json
import re
import sys

import dkim
from dkim.util import parse_tag_value


def verify_all(msg, records):
    lookups = []

    def dnsfunc(name, timeout=5):
        n = name.decode() if isinstance(name, bytes) else name
        lookups.append(n)
        return records.get(n.lower())

    d = dkim.DKIM(msg, minkey=1024)
    sigs = [v for (n, v) in d.headers if n.lower() == b'dkim-signature']
    out = []
    for idx, sig in enumerate(sigs):
        del lookups[:]
        one = {'verified': False, 'error': None}
        try:
            one['verified'] = bool(dkim.DKIM(msg, minkey=1024).verify(idx=idx, dnsfunc=dnsfunc))
        except dkim.DKIMException as e:
            one['error'] = str(e)
        tags = parse_tag_value(sig)
        for t in ('a', 'c', 's', 'd', 't'):
            one[t] = re.sub(rb'\s+', b'', tags.get(t.encode(), b'')).decode()
        one['h'] = re.sub(rb'\s+', b'', tags.get(b'h', b'')).decode().split(':')
        one['lookups'] = list(lookups)
        out.append(one)
    return out


def main():
    if len(sys.argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    with open(sys.argv[1]) as f:
        records = {k.lower(): v.encode() for k, v in json.load(f).items()}
    if len(sys.argv) == 2:
        print(json.dumps(verify_all(sys.stdin.buffer.read(), records)))
        return 0
    out = []
    for name in sys.argv[2:]:
        with open(name, 'rb') as f:
            out.append(verify_all(f.read(), records))
    print(json.dumps(out))
    return 0


if __name__ == '__main__':
    sys.exit(main())
