#!/usr/bin/python3
"""DKIM signing and verification for the peer tests, with Debian's python3-dkim.

  dkim_tool.py sign KEY.pem SELECTOR DOMAIN CANON HEADERS   < message
      prints the DKIM-Signature header field python3-dkim makes (CANON: relaxed/relaxed,
      simple/simple ...; HEADERS: comma-separated names to sign)
  dkim_tool.py verify PUBLIC_B64 SELECTOR DOMAIN [IDX]       < message
      verifies the IDX-th (default 0, the topmost) DKIM-Signature and prints one JSON object:
      {"verified": bool, "error": str|null, "lookups": [names asked for], "c": ..., "h": [...]}

No DNS is used: the key lookup is answered by a local function that knows one record,
SELECTOR._domainkey.DOMAIN. -> "v=DKIM1; k=rsa; p=PUBLIC_B64", and records every name asked for.
"""
import json
import re
import sys

import dkim
from dkim.util import parse_tag_value


def sign(args):
    key, selector, domain, canon, headers = args
    with open(key, 'rb') as f:
        pem = f.read()
    c = canon.encode().split(b'/')
    msg = sys.stdin.buffer.read()
    sig = dkim.sign(msg, selector.encode(), domain.encode(), pem, canonicalize=(c[0], c[1]),
                    include_headers=[h.strip().lower().encode() for h in headers.split(',') if h.strip()])
    sys.stdout.buffer.write(sig)
    return 0


def verify(args):
    pub, selector, domain = args[:3]
    idx = int(args[3]) if len(args) > 3 else 0
    msg = sys.stdin.buffer.read()
    record = ('v=DKIM1; k=rsa; p=' + pub).encode()
    wanted = ('%s._domainkey.%s.' % (selector, domain)).lower()
    lookups = []

    def dnsfunc(name, timeout=5):
        n = name.decode() if isinstance(name, bytes) else name
        lookups.append(n)
        return record if n.lower() == wanted else None

    out = {'verified': False, 'error': None, 'lookups': lookups, 'c': None, 'h': None}
    d = dkim.DKIM(msg, minkey=1024)
    try:
        out['verified'] = bool(d.verify(idx=idx, dnsfunc=dnsfunc))
    except dkim.DKIMException as e:
        out['error'] = str(e)
    sigs = [v for (n, v) in d.headers if n.lower() == b'dkim-signature']
    if idx < len(sigs):
        tags = parse_tag_value(sigs[idx])
        out['c'] = re.sub(rb'\s+', b'', tags.get(b'c', b'simple/simple')).decode()
        out['h'] = re.sub(rb'\s+', b'', tags.get(b'h', b'')).decode().split(':')
    print(json.dumps(out))
    return 0


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ('sign', 'verify'):
        sys.stderr.write(__doc__)
        return 2
    return sign(sys.argv[2:]) if sys.argv[1] == 'sign' else verify(sys.argv[2:])


if __name__ == '__main__':
    sys.exit(main())
