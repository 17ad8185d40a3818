"""A Python service's view of an AuthApp token: PyJWT with PyJWKClient, given only the JWKS URL and the
issuer and audience it expects. Prints the validated claims as JSON, or the reason it refused on stderr (exit 1).

Usage: validate_token.py <jwks_uri> <issuer> <audience> <token> [<token> ...]  (one PyJWKClient for all tokens,
as a long-running service keeps one: a token signed by a key it has not seen makes it fetch the key set again).
"""
import json
import sys

import jwt

jwks_uri, issuer, audience, *tokens = sys.argv[1:]
keys = jwt.PyJWKClient(jwks_uri, cache_keys=True)
for token in tokens:
    try:
        signing_key = keys.get_signing_key_from_jwt(token)
        claims = jwt.decode(token, signing_key.key, algorithms=["ES256"], issuer=issuer, audience=audience)
    except jwt.PyJWTError as error:
        print(f"refused: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps(claims))
