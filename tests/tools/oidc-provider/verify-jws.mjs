// Verifies a compact JWS against a JWKS with panva's `jose` (npm), a JOSE library independent
// of Janua's: node verify-jws.mjs <jwks.json URL> <expected typ>, the JWS on stdin. Prints the
// verified payload, or fails.
import { compactVerify, createRemoteJWKSet } from 'jose';

const [jwksUrl, typ] = process.argv.slice(2);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const jws = Buffer.concat(chunks).toString('utf8').trim();
const { payload, protectedHeader } = await compactVerify(jws, createRemoteJWKSet(new URL(jwksUrl)), {
  algorithms: ['EdDSA'],
});
if (protectedHeader.typ !== typ) throw new Error(`typ ${protectedHeader.typ}, expected ${typ}`);
process.stdout.write(new TextDecoder().decode(payload));
