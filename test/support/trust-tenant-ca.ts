import { ensureProcessTrustsTenantCa } from './with-tenant-ca';

/**
 * Import this FIRST in a test file or script that talks to the fake tenant:
 * `import '../support/trust-tenant-ca';`. If the process was started without
 * NODE_EXTRA_CA_CERTS naming the test CA, it is re-launched with it and this
 * import never returns in the original process.
 */
ensureProcessTrustsTenantCa();
