// A throw-away certificate authority and a certificate for 127.0.0.1 signed by it (openssl),
// so that the development identity provider can serve https: Kubernetes API servers accept only
// https issuers. The console trusts the authority through PILOTHOUSE_OIDC_CA_FILE.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function localAuthority(): { ca: string; cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pilothouse-tls-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=Pilothouse test authority');
  openssl('req', ...ec, '-keyout', file('idp.key'), '-out', file('idp.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(
    file('idp.ext'),
    'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n',
  );
  openssl('x509', '-req', '-in', file('idp.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-out', file('idp.pem'), '-days', '2', '-extfile', file('idp.ext'));
  return { ca: file('ca.pem'), cert: file('idp.pem'), key: file('idp.key') };
}
