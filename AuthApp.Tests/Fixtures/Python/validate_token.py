"""A Python service's view of AuthApp tokens: PyJWT with PyJWKClient, given only the JWKS URL and the issuer and
audience it expects. Reads one token a line on stdin and answers each with a line on stdout: the validated claims as
JSON, or {"refused": "<reason>"}. One PyJWKClient for all of them, as a long-running service keeps one: a token signed
by a key it has not seen makes it fetch the key set again.

Usage: validate_token.py <jwks_uri> <issuer> <audience>   (then tokens on stdin)
"""
import json
import sys

import jwt

jwks_uri, issuer, audience = sys.argv[1:]
keys = jwt.PyJWKClient(jwks_uri, cache_keys=True)
for line in sys.stdin:
    token = line.strip()
    try:
        signing_key = keys.get_signing_key_from_jwt(token)
        answer = jwt.decode(token, signing_key.key, algorithms=["ES256"], issuer=issuer, audience=audience)
    except jwt.PyJWTError as error:
        answer = {"refused": f"{type(error).__name__}: {error}"}
    print(json.dumps(answer), flush=True)
